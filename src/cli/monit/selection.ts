import type { AppSnapshot, HiveSnapshot, InstanceSnapshot } from '../../metrics/snapshot.js';
import type { KeyAction } from './keys.js';

/**
 * What the user selected: an app by name and an instance by slot, not by position, so the selection stays on the same
 * app and slot while apps come and go between snapshots. Undefined: the first one.
 */
export interface Selection {
  app?: string | undefined;
  instance?: number | undefined;
}

/** The selected app and instance of `snapshot` (the first ones when the selected are gone), or undefined for none. */
export function resolveSelection(
  selection: Selection,
  snapshot: HiveSnapshot | undefined,
): { app: AppSnapshot | undefined; instance: InstanceSnapshot | undefined } {
  const apps = snapshot?.apps ?? [];
  const app = apps.find((a) => a.name === selection.app) ?? apps[0];
  const instance = app?.instances.find((i) => i.instance === selection.instance) ?? app?.instances[0];
  return { app, instance };
}

/**
 * The selection after a key: up/down move through the apps, left/right/Tab through the selected app's instances
 * (wrapping).
 */
export function moveSelection(selection: Selection, action: KeyAction, snapshot: HiveSnapshot | undefined): Selection {
  const { app, instance } = resolveSelection(selection, snapshot);
  if (!snapshot || !app) return selection;
  switch (action) {
    case 'app-next':
    case 'app-prev': {
      const apps = snapshot.apps;
      const next = apps[wrap(apps.indexOf(app) + (action === 'app-next' ? 1 : -1), apps.length)]!;
      // The one app of the view (`hive monit api`) wraps onto itself: its selected instance stays.
      if (next === app) return selection;
      return { app: next.name, instance: undefined };
    }
    case 'instance-next':
    case 'instance-prev': {
      const instances = app.instances;
      if (!instance) return { app: app.name, instance: undefined };
      const next =
        instances[wrap(instances.indexOf(instance) + (action === 'instance-next' ? 1 : -1), instances.length)]!;
      return { app: app.name, instance: next.instance };
    }
    default:
      return selection;
  }
}

function wrap(index: number, length: number): number {
  return ((index % length) + length) % length;
}
