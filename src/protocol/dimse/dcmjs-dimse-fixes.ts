/**
 * Our fixes to dcmjs-dimse 0.3.3, as exact text replacements in its one
 * minified file (`build/dcmjs-dimse.min.js`); each `from` text occurs exactly
 * once in 0.3.3. load-dcmjs-dimse.ts applies them as the library is loaded,
 * in memory: nothing is written to node_modules, so they are in effect however
 * pacs-load was installed (`npm install`, `--omit=dev`, `--ignore-scripts`, an
 * install-scripts allowlist that does not list us, a read-only image) and
 * another package's copy of dcmjs-dimse is left as its author shipped it.
 *
 * dcmjs-dimse-fixes.md beside this file explains each defect, how it was reproduced, and
 * names the test that fails without its fix. The numbering is that file's.
 */

export interface DcmjsDimseFix {
  /** The edit's number in dcmjs-dimse-fixes.md. */
  id: string;
  /** The defect, in one line. */
  defect: string;
  from: string;
  to: string;
}

/** The library version these texts were written for (its `version` export and the banner of its file). */
export const DCMJS_DIMSE_VERSION = '0.3.3';

export const DCMJS_DIMSE_FIXES: readonly DcmjsDimseFix[] = [
  {
    id: '1',
    defect: 'no TCP_NODELAY: a data set PDU sent right after its command PDU waited about 40 ms (Nagle plus delayed ACKs)',
    from: '_wrapSocket(){this.socket.setTimeout(this.connectTimeout),',
    to: '_wrapSocket(){this.socket.setNoDelay(!0),this.socket.setTimeout(this.connectTimeout),',
  },
  {
    id: '2',
    defect: 'after a command without a data set the command stream was not reset, so later commands were parsed with all earlier ones',
    from: '!this.dimse.hasDataset())return this._performDimse(i,this.dimse),void(this.dimse=void 0);',
    to: '!this.dimse.hasDataset())return this.dimseStream=void 0,this._performDimse(i,this.dimse),void(this.dimse=void 0);',
  },
  {
    id: '3',
    // PS3.4 K.4.1.2.2, PS3.7 C.4.1.1.4: FF01 is a pending status like FF00.
    defect: 'status FF01 (pending, optional keys not supported) ended the request',
    from: 'e.getStatus()!==p.Pending&&s.raiseDoneEvent()',
    to: 'e.getStatus()!==p.Pending&&65281!==e.getStatus()&&s.raiseDoneEvent()',
  },
  {
    id: '6',
    defect: 'an empty datasetNameMap made every encode copy the whole DICOM dictionary (about 4 ms of CPU per data set)',
    from: 'getDenaturalizedDataset(e,t){const s=t?l.denaturalizeDataset(',
    to: 'getDenaturalizedDataset(e,t){const s=t&&Object.keys(t).length>0?l.denaturalizeDataset(',
  },
  {
    id: '7a',
    defect: 'a command set of under 200 bytes was written into zero-filled 256 KiB chunks',
    from: 'getDenaturalizedCommandDataset(e){const t=l.denaturalizeDataset(this.getElements()),s=new R,n=new R;',
    to: 'getDenaturalizedCommandDataset(e){const t=l.denaturalizeDataset(this.getElements()),s=new R(1024),n=new R(1024);',
  },
  {
    id: '7b',
    defect: 'data sets were written into zero-filled 256 KiB chunks',
    from: 'l.denaturalizeDataset(this.getElements()),n=new R;return g.write(s,n,this.transferSyntaxUid,e)',
    to: 'l.denaturalizeDataset(this.getElements()),n=new R(16384);return g.write(s,n,this.transferSyntaxUid,e)',
  },
  {
    id: '8a',
    defect: 'every send re-encoded the data set and queued all its PDUs at once; a data set with writePDataTF now writes itself with back-pressure',
    from: 'const c=e.getDataset();if(c){const e=c.getDenaturalizedDataset(this.datasetWriteOptions,this.datasetNameMap)',
    to: 'const c=e.getDataset();if(c&&"function"==typeof c.writePDataTF)c.writePDataTF(this.socket,t,s,e=>this.statistics.addBytesSent(e));else if(c){const e=c.getDenaturalizedDataset(this.datasetWriteOptions,this.datasetNameMap)',
  },
  {
    id: '8b',
    defect: 'Client.send proposed Implicit and Explicit VR Little Endian always; a transferSyntaxUids send option now lists what to propose',
    from: 'd.addPresentationContextFromRequest(e,[r.ImplicitVRLittleEndian,r.ExplicitVRLittleEndian])',
    to: 'd.addPresentationContextFromRequest(e,a.transferSyntaxUids||[r.ImplicitVRLittleEndian,r.ExplicitVRLittleEndian])',
  },
  {
    id: '9',
    // PS3.8 D.3.3.1: the Maximum Length we propose, per association.
    defect: 'the proposed maximum PDU length was a process-wide static; a maxPduLength send option now sets it per association',
    from: 'const d=new n(s,i);a.asyncOps',
    to: 'const d=new n(s,i);void 0!==a.maxPduLength&&d.setMaxPduLength(a.maxPduLength),a.asyncOps',
  },
  {
    id: '10',
    defect: 'securityOptions.servername was not passed to tls.connect, so a certificate naming another host could not be verified',
    from: 'ciphers:a.securityOptions.ciphers}',
    to: 'ciphers:a.securityOptions.ciphers,servername:a.securityOptions.servername}',
  },
  {
    id: '11',
    defect: 'a data set cut inside an element was read as a shorter, valid-looking one; Dataset now calls a verifyElementsBuffer hook first',
    from: '_fromElementsBuffer(e,t,s){const n=new p(',
    to: '_fromElementsBuffer(e,t,s){"function"==typeof y.verifyElementsBuffer&&y.verifyElementsBuffer(e,t);const n=new p(',
  },
  {
    id: '12',
    defect: 'after an error reading a DIMSE message the next PDU was written to an ended stream (an uncaught error that killed the worker)',
    from: 'catch(e){z.error(`${this.logId} -> Error reading DIMSE: ',
    to: 'catch(e){this.dimseStream=void 0,this.dimseStoreStream=void 0,this.dimse=void 0,z.error(`${this.logId} -> Error reading DIMSE: ',
  },
];

/**
 * Not a fix: the marker the self-check reads. The library's export object
 * gains `pacsLoadFixes`, the ids of the fixes in effect in this very instance.
 */
export const FIXES_MARKER = {
  from: 'version:s(837)};e.exports=H',
  to: (ids: readonly string[]): string => `version:s(837),pacsLoadFixes:${JSON.stringify(ids)}};e.exports=H`,
};
