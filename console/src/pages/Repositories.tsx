// ECR repositories: list, create, delete; a repository's images (delete them), its lifecycle policy (put, delete),
// and the push commands for this Wharf.
import type { BatchDeleteImageResponse, DescribeImagesResponse, DescribeRepositoriesResponse, GetLifecyclePolicyResponse, ImageDetail, Repository } from '@aws-sdk/client-ecr';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { ecr } from '../aws/apis';
import { ApiError } from '../aws/signer';
import { ConfirmModal } from '../lib/ConfirmModal';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { time } from '../lib/format';
import { usePoll } from '../lib/usePoll';
import { listAll } from '../lib/firstLoad';

function PushCommands({ repo, region }: { repo: Repository; region: string }) {
  const uri = repo.repositoryUri ?? '';
  const host = uri.split('/')[0] ?? window.location.host;
  const text = [
    `aws ecr get-login-password --region ${region} --endpoint-url ${window.location.origin} | docker login --username AWS --password-stdin ${host}`,
    `docker build -t ${repo.repositoryName} .`,
    `docker tag ${repo.repositoryName}:latest ${uri}:latest`,
    `docker push ${uri}:latest`,
  ].join('\n');
  return (
    <Container header={<Header variant="h2" description="Docker treats 127.0.0.1 and localhost registries as insecure-allowed; other hosts need it in insecure-registries.">Push commands for {repo.repositoryName}</Header>}>
      <pre tabIndex={0} aria-label="Push commands" style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="push-commands">
        {text}
      </pre>
    </Container>
  );
}

function Images({ repo }: { repo: Repository }) {
  const { session, flash } = useConsole();
  const [selected, setSelected] = useState<ImageDetail[]>([]);
  const [deleting, setDeleting] = useState(false);
  const poll = usePoll(
    () =>
      listAll(async (nextToken) => {
        const r = await ecr<DescribeImagesResponse>(session, 'DescribeImages', { repositoryName: repo.repositoryName, nextToken });
        return { items: r.imageDetails ?? [], next: r.nextToken };
      }),
    [repo.repositoryName],
    5000,
  );
  return (
    <SpaceBetween size="s">
      <ErrorAlert error={poll.error} />
      <Table
        data-testid="images"
        items={poll.data ?? []}
        loading={poll.loading && !poll.data}
        loadingText="Loading images"
        trackBy="imageDigest"
        selectionType="multi"
        selectedItems={(poll.data ?? []).filter((i) => selected.some((s) => s.imageDigest === i.imageDigest))}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        ariaLabels={{
          selectionGroupLabel: 'Images',
          itemSelectionLabel: (_s, i) => `Select image ${(i.imageTags ?? []).join(', ') || i.imageDigest}`,
          allItemsSelectionLabel: () => 'Select all images',
        }}
        header={
          <Header
            variant="h2"
            counter={poll.data ? `(${poll.data.length})` : undefined}
            actions={
              <Button disabled={selected.length === 0} onClick={() => setDeleting(true)}>
                Delete images
              </Button>
            }
          >
            Images in {repo.repositoryName}
          </Header>
        }
        columnDefinitions={[
          { id: 'tags', header: 'Image tags', isRowHeader: true, cell: (i) => (i.imageTags ?? []).join(', ') || '<untagged>' },
          { id: 'digest', header: 'Digest', cell: (i) => i.imageDigest },
          { id: 'size', header: 'Size (MB)', cell: (i) => ((i.imageSizeInBytes ?? 0) / 1e6).toFixed(2) },
          { id: 'pushed', header: 'Pushed at', cell: (i) => time(i.imagePushedAt) },
        ]}
        empty="No images"
      />
      <ConfirmModal
        visible={deleting}
        title="Delete images"
        confirmLabel="Delete"
        onCancel={() => setDeleting(false)}
        onConfirm={async () => {
          const r = await ecr<BatchDeleteImageResponse>(session, 'BatchDeleteImage', {
            repositoryName: repo.repositoryName,
            imageIds: selected.map((i) => ({ imageDigest: i.imageDigest })),
          });
          const f = r.failures?.[0];
          if (f) throw new ApiError(f.failureCode ?? 'Failure', f.failureReason ?? 'The image was not deleted.', 200);
          flash({ type: 'success', content: `${r.imageIds?.length ?? 0} image(s) deleted from ${repo.repositoryName}.` });
          setSelected([]);
          poll.refresh();
        }}
      >
        Delete {selected.length} image(s) from <b>{repo.repositoryName}</b>: {selected.map((i) => (i.imageTags ?? []).join(', ') || i.imageDigest).join('; ')}?
      </ConfirmModal>
    </SpaceBetween>
  );
}

const EXAMPLE_POLICY = JSON.stringify(
  { rules: [{ rulePriority: 1, description: 'Expire untagged images after 14 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } }] },
  null,
  2,
);

function LifecyclePolicy({ repo }: { repo: Repository }) {
  const { session, flash } = useConsole();
  const poll = usePoll(
    async () => {
      try {
        return (await ecr<GetLifecyclePolicyResponse>(session, 'GetLifecyclePolicy', { repositoryName: repo.repositoryName })).lifecyclePolicyText ?? '';
      } catch (err) {
        if (err instanceof ApiError && err.code === 'LifecyclePolicyNotFoundException') return '';
        throw err;
      }
    },
    [repo.repositoryName, 'lifecycle'],
    15_000,
  );
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [deleting, setDeleting] = useState(false);
  return (
    <Container
      header={
        <Header
          variant="h2"
          description="Rules that expire images by age or count."
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button disabled={!poll.data} onClick={() => setDeleting(true)}>
                Delete lifecycle policy
              </Button>
              <Button
                onClick={() => {
                  setText(poll.data ? JSON.stringify(JSON.parse(poll.data), null, 2) : EXAMPLE_POLICY);
                  setEditing(true);
                }}
              >
                {poll.data ? 'Edit lifecycle policy' : 'Create lifecycle policy'}
              </Button>
            </SpaceBetween>
          }
        >
          Lifecycle policy
        </Header>
      }
    >
      <SpaceBetween size="s">
        <ErrorAlert error={poll.error} />
        {poll.data ? (
          <pre tabIndex={0} aria-label="Lifecycle policy" data-testid="lifecycle-policy" style={{ margin: 0, overflow: 'auto' }}>
            {JSON.stringify(JSON.parse(poll.data), null, 2)}
          </pre>
        ) : (
          <Box data-testid="lifecycle-policy">{poll.loading ? 'Loading' : 'No lifecycle policy'}</Box>
        )}
      </SpaceBetween>
      <ConfirmModal
        visible={editing}
        title={`Lifecycle policy of ${repo.repositoryName}`}
        confirmLabel="Save"
        onCancel={() => setEditing(false)}
        onConfirm={async () => {
          await ecr(session, 'PutLifecyclePolicy', { repositoryName: repo.repositoryName, lifecyclePolicyText: text });
          flash({ type: 'success', content: `The lifecycle policy of ${repo.repositoryName} has been saved.` });
          poll.refresh();
        }}
      >
        <FormField label="Lifecycle policy JSON" stretch>
          <Textarea value={text} onChange={(e) => setText(e.detail.value)} rows={14} spellcheck={false} name="lifecyclePolicy" />
        </FormField>
      </ConfirmModal>
      <ConfirmModal
        visible={deleting}
        title="Delete lifecycle policy"
        confirmLabel="Delete"
        onCancel={() => setDeleting(false)}
        onConfirm={async () => {
          await ecr(session, 'DeleteLifecyclePolicy', { repositoryName: repo.repositoryName });
          flash({ type: 'success', content: `The lifecycle policy of ${repo.repositoryName} has been deleted.` });
          poll.refresh();
        }}
      >
        Delete the lifecycle policy of <b>{repo.repositoryName}</b>?
      </ConfirmModal>
    </Container>
  );
}

export default function Repositories() {
  const { session, flash } = useConsole();
  const poll = usePoll(
    () =>
      listAll(async (nextToken) => {
        const r = await ecr<DescribeRepositoriesResponse>(session, 'DescribeRepositories', { nextToken });
        return { items: r.repositories ?? [], next: r.nextToken };
      }),
    [],
    5000,
  );
  const [selected, setSelected] = useState<Repository[]>([]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [name, setName] = useState('');
  const repo = selected[0];
  return (
    <SpaceBetween size="m">
      <ErrorAlert error={poll.error} />
      <Table
        data-testid="repositories"
        variant="full-page"
        items={poll.data ?? []}
        loading={poll.loading && !poll.data}
        loadingText="Loading repositories"
        trackBy="repositoryArn"
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        ariaLabels={{ selectionGroupLabel: 'Repositories', itemSelectionLabel: (_s, r) => `Select repository ${r.repositoryName}`, allItemsSelectionLabel: () => 'Select all' }}
        header={
          <Header
            variant="h1"
            counter={poll.data ? `(${poll.data.length})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!repo} onClick={() => setDeleting(true)}>
                  Delete
                </Button>
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Create repository
                </Button>
              </SpaceBetween>
            }
          >
            Private repositories
          </Header>
        }
        columnDefinitions={[
          { id: 'name', header: 'Repository name', isRowHeader: true, cell: (r) => r.repositoryName },
          { id: 'uri', header: 'URI', cell: (r) => r.repositoryUri },
          { id: 'created', header: 'Created at', cell: (r) => time(r.createdAt) },
          { id: 'mutability', header: 'Tag immutability', cell: (r) => r.imageTagMutability ?? '-' },
        ]}
        empty="No repositories"
      />
      {repo ? (
        <>
          <PushCommands repo={repo} region={session.region} />
          <Images repo={repo} />
          <LifecyclePolicy repo={repo} />
        </>
      ) : (
        <Box color="text-status-inactive">Select a repository to see its images and push commands.</Box>
      )}
      <ConfirmModal
        visible={creating}
        title="Create repository"
        confirmLabel="Create"
        onCancel={() => setCreating(false)}
        onConfirm={async () => {
          await ecr(session, 'CreateRepository', { repositoryName: name.trim() });
          flash({ type: 'success', content: `Repository ${name.trim()} has been created.` });
          setName('');
          poll.refresh();
        }}
      >
        <FormField label="Repository name">
          <Input value={name} onChange={(e) => setName(e.detail.value)} name="repositoryName" />
        </FormField>
      </ConfirmModal>
      <ConfirmModal
        visible={deleting}
        title="Delete repository"
        confirmLabel="Delete"
        onCancel={() => setDeleting(false)}
        onConfirm={async () => {
          await ecr(session, 'DeleteRepository', { repositoryName: repo!.repositoryName, force: true });
          flash({ type: 'success', content: `Repository ${repo!.repositoryName} has been deleted.` });
          setSelected([]);
          poll.refresh();
        }}
      >
        Delete repository <b>{repo?.repositoryName}</b> and all its images?
      </ConfirmModal>
    </SpaceBetween>
  );
}
