/**
 * Issue 8: the Kubernetes manifests and the Dockerfile cannot be applied or
 * built here, so their structure is checked: they parse, and they carry what
 * the README ("Distributed runs and Kubernetes") promises.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseProfileText } from '../../../src/profile/load.js';
import { segmentFromFlags } from '../../../src/distributed/segment-flags.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const K8S = join(REPO_ROOT, 'deploy/k8s');

// Loose shapes: the test asserts the fields it reads.
interface Container {
  image: string;
  args: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  envFrom: Array<{ secretRef?: { name: string } }>;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  securityContext: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean };
}
interface Job {
  kind: string;
  apiVersion: string;
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    backoffLimit: number;
    template: {
      spec: {
        restartPolicy: string;
        securityContext: { runAsNonRoot: boolean };
        containers: Container[];
        volumes: Array<{ name: string; configMap?: { name: string } }>;
      };
    };
  };
}

async function documents(file: string): Promise<unknown[]> {
  const parsed = parseAllDocuments(await readFile(join(K8S, file), 'utf8'));
  for (const document of parsed) expect(document.errors, file).toEqual([]);
  return parsed.map((document) => document.toJS() as unknown);
}

async function one<T>(file: string): Promise<T> {
  const [document, ...rest] = await documents(file);
  expect(rest).toEqual([]);
  return document as T;
}

describe('deploy/k8s', () => {
  it('lists every manifest in the kustomization, and every manifest parses as YAML', async () => {
    const kustomization = await one<{ kind: string; resources: string[] }>('kustomization.yaml');
    expect(kustomization.kind).toBe('Kustomization');
    expect(kustomization.resources.sort()).toEqual(['configmap-profile.yaml', 'job.yaml', 'secret.yaml']);
    for (const file of kustomization.resources) expect((await documents(file)).length).toBe(1);
  });

  it('is an Indexed Job with completions == parallelism whose pods derive their segment from JOB_COMPLETION_INDEX', async () => {
    const job = await one<Job>('job.yaml');
    expect(job.kind).toBe('Job');
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(job.spec.parallelism);
    // A retried pod would run its segment twice.
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const [container] = job.spec.template.spec.containers;
    const args = container!.args;
    expect(args.slice(0, 2)).toEqual(['run', '/etc/pacs-load/profile.yaml']);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(Number(flag('--segment-from-env'))).toBe(job.spec.completions);
    expect(flag('--run-id')).toBe('$(RUN_ID)');
    expect(flag('--start-at')).toBe('$(START_AT)');
    expect(flag('--influx')).toBe('$(INFLUX_URL)');
    expect(flag('--influx-instance')).toBe('$(POD_NAME)');
    const env = new Map(container!.env.map((entry) => [entry.name, entry]));
    expect(env.get('JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    expect(env.get('POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    for (const name of ['RUN_ID', 'START_AT', 'INFLUX_URL']) expect(env.get(name)?.value, name).toBeTruthy();
    // Every pod index maps to its own segment, and together they are the whole profile.
    const segments = Array.from({ length: job.spec.completions }, (_, index) =>
      segmentFromFlags({ segmentFromEnv: flag('--segment-from-env') }, { JOB_COMPLETION_INDEX: String(index) }),
    );
    expect(segments).toEqual(Array.from({ length: job.spec.completions }, (_, index) => ({ kind: 'stripe', index, count: job.spec.completions })));
  });

  it('mounts the profile ConfigMap, takes credentials from the Secret, and runs unprivileged', async () => {
    const job = await one<Job>('job.yaml');
    const configMap = await one<{ kind: string; metadata: { name: string }; data: Record<string, string> }>('configmap-profile.yaml');
    const secret = await one<{ kind: string; metadata: { name: string }; stringData: Record<string, string> }>('secret.yaml');
    expect(configMap.kind).toBe('ConfigMap');
    expect(secret.kind).toBe('Secret');
    const pod = job.spec.template.spec;
    const container = pod.containers[0]!;
    const volume = pod.volumes.find((candidate) => candidate.configMap?.name === configMap.metadata.name);
    expect(volume).toBeDefined();
    expect(container.volumeMounts).toContainEqual({ name: volume!.name, mountPath: '/etc/pacs-load', readOnly: true });
    expect(container.envFrom).toContainEqual({ secretRef: { name: secret.metadata.name } });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });

    // The profile in the ConfigMap is a valid pacs-load profile, and the
    // credentials it names are exactly what the Secret provides (with the InfluxDB token).
    const profile = parseProfileText(configMap.data['profile.yaml']!, 'configmap-profile.yaml');
    expect(profile.scenarios.length).toBeGreaterThan(0);
    const auth = profile.target?.dicomweb?.auth;
    const named = auth?.kind === 'bearer' ? [auth.tokenEnv] : auth?.kind === 'basic' ? [auth.passwordEnv] : [];
    expect(named).toEqual(['PACS_TOKEN']);
    expect(Object.keys(secret.stringData).sort()).toEqual([...named, 'PACS_LOAD_INFLUX_TOKEN'].sort());
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and runs the runtime dependencies only, as a non-root user, with pacs-load as the entrypoint', async () => {
    const text = await readFile(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
    const stages = lines.filter((line) => line.startsWith('FROM '));
    expect(stages).toEqual(['FROM node:${NODE_VERSION}-slim AS build', 'FROM node:${NODE_VERSION}-slim AS runtime']);
    expect(lines).toContain('ARG NODE_VERSION=22');
    const runtime = lines.slice(lines.indexOf(stages[1]!));
    expect(runtime.some((line) => /^RUN npm ci --omit=dev\b/.test(line))).toBe(true);
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
    expect(runtime).toContain('USER node');
    expect(runtime.at(-2)).toBe('ENTRYPOINT ["pacs-load"]');
    // The user switch comes before the entrypoint, so nothing runs as root.
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.indexOf('ENTRYPOINT ["pacs-load"]'));
    const ignored = (await readFile(join(REPO_ROOT, '.dockerignore'), 'utf8')).split('\n');
    for (const entry of ['node_modules', 'dist', '.git', '.env']) expect(ignored).toContain(entry);
  });
});
