/**
 * A real Orthanc for peer tests (docs/architecture.md section 9), from Debian's `orthanc`
 * package (scripts/install-peers.sh): free ports picked at run time, storage,
 * index and worklists in a fresh temporary folder, remote access off, every
 * DICOM service allowed for every AE, the bundled worklist plugin serving the
 * `*.wl` files of `worklistFolder`, and TCP_NODELAY=1 so Nagle's algorithm
 * does not add 40 ms to each exchange.
 *
 *   const orthanc = await startOrthanc();
 *   ... orthanc.dicomPort, orthanc.restUrl ...
 *   await orthanc.stop();   // waits for the process to exit, removes the folder
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopAndRemove, stderrTail, waitUntilReady } from './peer-process.js';
import { freePort } from './ports.js';

export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
/** Where Debian's orthanc package puts its bundled worklist plugin (`dpkg -L orthanc`). */
export const ORTHANC_WORKLIST_PLUGIN = '/usr/share/orthanc/plugins/libModalityWorklists.so';
/** Debian's orthanc-dicomweb package. */
export const ORTHANC_DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** True when the Orthanc binary and its worklist plugin are installed. */
export const hasOrthanc = existsSync(ORTHANC_BINARY) && existsSync(ORTHANC_WORKLIST_PLUGIN);
/** True when the DICOMweb plugin is installed too. */
export const hasOrthancDicomweb = hasOrthanc && existsSync(ORTHANC_DICOMWEB_PLUGIN);

export interface OrthancOptions {
  /** Orthanc's own AE title (default ORTHANC). */
  aeTitle?: string;
  /** Load the DICOMweb plugin (at `${restUrl}/dicom-web`) when it is installed. */
  dicomweb?: boolean;
  /** C-MOVE destinations: AE title -> host and port (Orthanc's `DicomModalities`). */
  modalities?: Readonly<Record<string, { host: string; port: number }>>;
  /**
   * HTTP users (user name -> password, Orthanc's `RegisteredUsers`): when given,
   * Orthanc requires HTTP Basic authentication on its REST API and DICOMweb
   * (`AuthenticationEnabled`); the helper's own requests use the first user.
   */
  users?: Readonly<Record<string, string>>;
}

export interface RunningOrthanc {
  aeTitle: string;
  host: string;
  dicomPort: number;
  httpPort: number;
  /** http://127.0.0.1:<httpPort>, without a trailing slash. */
  restUrl: string;
  /** Folder whose `*.wl` files the worklist plugin answers from (rescanned per query). */
  worklistFolder: string;
  /** GET a REST resource as JSON (e.g. `/statistics`); throws on a non-2xx answer. */
  getJson<T = unknown>(path: string): Promise<T>;
  /** Stops Orthanc, waits for it to exit, removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}


/** Starts Orthanc; resolves once its REST API answers `/system`. On failure nothing is left running. */
export async function startOrthanc(options: OrthancOptions = {}): Promise<RunningOrthanc> {
  const folder = await mkdtemp(join(tmpdir(), 'pacsload-orthanc-'));
  const worklistFolder = join(folder, 'worklists');
  await mkdir(worklistFolder);
  const aeTitle = options.aeTitle ?? 'ORTHANC';
  const [dicomPort, httpPort] = [await freePort(), await freePort()];
  const plugins = [ORTHANC_WORKLIST_PLUGIN];
  if (options.dicomweb === true && existsSync(ORTHANC_DICOMWEB_PLUGIN)) plugins.push(ORTHANC_DICOMWEB_PLUGIN);
  const modalities = Object.fromEntries(
    Object.entries(options.modalities ?? {}).map(([ae, { host, port }]) => [ae, [ae, host, port]]),
  );
  const config = {
    Name: 'PACSLOAD-TEST',
    StorageDirectory: join(folder, 'storage'),
    IndexDirectory: join(folder, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: aeTitle,
    // Binds every interface, but answers only loopback clients (docs/architecture.md section 9).
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomCheckCalledAet: false,
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowStore: true,
    DicomAlwaysAllowFind: true,
    DicomAlwaysAllowFindWorklist: true,
    DicomAlwaysAllowGet: true,
    DicomAlwaysAllowMove: true,
    DicomModalities: modalities,
    Plugins: plugins,
    Worklists: { Enable: true, Database: worklistFolder },
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
    StorageCompression: false,
    SaveJobs: false,
    // A test may send the same UIDs again; keep the newest, as most PACS do.
    OverwriteInstances: true,
    HttpDescribeErrors: true,
  };
  const users = Object.entries(options.users ?? {});
  if (users.length > 0) Object.assign(config, { AuthenticationEnabled: true, RegisteredUsers: Object.fromEntries(users) });
  // RFC 7617 Basic credentials of the first user, for the helper's own requests.
  const headers: Record<string, string> =
    users.length > 0 ? { authorization: `Basic ${Buffer.from(`${users[0]![0]}:${users[0]![1]}`, 'utf8').toString('base64')}` } : {};
  const configPath = join(folder, 'orthanc.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const child = spawn(ORTHANC_BINARY, [configPath], {
    env: { ...process.env, TCP_NODELAY: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = stderrTail(child);

  const restUrl = `http://127.0.0.1:${httpPort}`;
  const stop = stopAndRemove(child, folder);
  const getJson = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${restUrl}${path}`, { headers });
    if (!response.ok) throw new Error(`Orthanc GET ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };

  try {
    await waitUntilReady(child, { name: 'Orthanc', url: `${restUrl}/system`, headers, log });
  } catch (error) {
    await stop();
    throw error;
  }
  return { aeTitle, host: '127.0.0.1', dicomPort, httpPort, restUrl, worklistFolder, getJson, stop };
}


