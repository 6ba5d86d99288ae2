// Why this exists: the committed models as JSON modules, so that `tsc` copies them next to the compiled code
// (dist/src/models/) and checks their names. Nothing loads this module at run time: loadModel (index.ts) reads a
// model's file when its service first needs it, so a start pays only for the models its first requests use.
import autoscaling from '../../models/autoscaling.json' with { type: 'json' };
import cloudwatch from '../../models/cloudwatch.json' with { type: 'json' };
import ecr from '../../models/ecr.json' with { type: 'json' };
import ecs from '../../models/ecs.json' with { type: 'json' };
import elbv2 from '../../models/elbv2.json' with { type: 'json' };
import logs from '../../models/logs.json' with { type: 'json' };
import secretsmanager from '../../models/secretsmanager.json' with { type: 'json' };
import servicediscovery from '../../models/servicediscovery.json' with { type: 'json' };
import ssm from '../../models/ssm.json' with { type: 'json' };
import iam from '../../models/iam.json' with { type: 'json' };
import sts from '../../models/sts.json' with { type: 'json' };
import efs from '../../models/efs.json' with { type: 'json' };
import type { ModelName } from './types.js';

export const MODEL_FILES: Record<ModelName, unknown> = { autoscaling, cloudwatch, ecr, ecs, elbv2, logs, secretsmanager, servicediscovery, ssm, iam, sts, efs };
