// The application inside the NODE_SDK test image: an ECS client configured by nothing but the environment ECS and
// Wharf give a task (the container credentials URI, AWS_ENDPOINT_URL, AWS_REGION), as users' code is. It lists the
// cluster's tasks (its role allows that) and tries RunTask (its role does not), printing one line for each.
import { ECSClient, ListTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';

async function main(): Promise<void> {
  const ecs = new ECSClient({});
  try {
    const listed = await ecs.send(new ListTasksCommand({}));
    console.log(`LIST ${JSON.stringify(listed.taskArns)}`);
  } catch (err) {
    console.log(`LIST-FAILED ${(err as Error).name}: ${(err as Error).message}`);
  }
  try {
    await ecs.send(new RunTaskCommand({ taskDefinition: process.env.FAMILY ?? 'none' }));
    console.log('RUN allowed');
  } catch (err) {
    console.log(`RUN ${(err as Error).name}: ${(err as Error).message}`);
  }
  console.log('SDK-DONE');
}

void main();
