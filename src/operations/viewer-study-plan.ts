/**
 * What `viewer.open` asks for when it opens one study: the study's series and,
 * per series, the instances whose first frame it fetches. Built once per
 * catalog (src/operations/dicomweb-catalog.ts) from what the target holds.
 */
import type { CatalogInstance, CatalogSeries, TargetCatalog } from './dicomweb-catalog.js';

export interface ViewerSeries {
  series: CatalogSeries;
  /** The series' instances the lookup found, in the target's order. */
  instances: CatalogInstance[];
}

export interface ViewerStudy {
  studyUid: string;
  series: ViewerSeries[];
  /** Sum of the series' instances: the frame requests one open makes. */
  instanceCount: number;
}

/** The studies of `catalog` that have at least one instance, in catalog order. */
export function planViewerStudies(catalog: TargetCatalog): ViewerStudy[] {
  const bySeries = new Map<string, CatalogInstance[]>();
  for (const instance of catalog.instances) {
    const key = `${instance.studyUid}/${instance.seriesUid}`;
    let list = bySeries.get(key);
    if (list === undefined) {
      list = [];
      bySeries.set(key, list);
    }
    list.push(instance);
  }
  const studies: ViewerStudy[] = [];
  for (const studyUid of catalog.studyUids) {
    const series = catalog.series
      .filter((entry) => entry.studyUid === studyUid)
      .map((entry) => ({ series: entry, instances: bySeries.get(`${studyUid}/${entry.seriesUid}`) ?? [] }))
      .filter((entry) => entry.instances.length > 0);
    if (series.length === 0) continue;
    studies.push({ studyUid, series, instanceCount: series.reduce((sum, entry) => sum + entry.instances.length, 0) });
  }
  return studies;
}
