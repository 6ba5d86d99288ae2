// `distinctInstance`: each task of the group on a different instance, counting the group's tasks already
// running as well as those placed earlier in the same plan (ECS: "each task in a particular group is running on
// a different container instance").

import { Reason } from '../reasons.js';
import type { Stage } from './stage.js';

export function distinctInstanceStage(group: string): Stage {
  return (s) => ((s.taskGroups.get(group) ?? 0) > 0 ? Reason.DISTINCT_INSTANCE : undefined);
}
