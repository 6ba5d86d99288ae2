// The cluster list page's chunk, requested as soon as the console's bundle starts to run when that is the page the
// visit opens on, rather than after the first render asks for it. Imported first by main.tsx.
import { opensOnClusters } from './firstLoad';

export const clustersPage = () => import('../pages/Clusters');
export const earlyClustersPage = opensOnClusters ? clustersPage() : undefined;
