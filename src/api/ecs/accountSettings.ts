// ECS account settings: per-principal values over an account default over AWS's default.
import type {
  DeleteAccountSettingRequest,
  DeleteAccountSettingResponse,
  ListAccountSettingsRequest,
  ListAccountSettingsResponse,
  PutAccountSettingDefaultRequest,
  PutAccountSettingDefaultResponse,
  PutAccountSettingRequest,
  PutAccountSettingResponse,
  Setting,
  SettingName,
} from '@aws-sdk/client-ecs';
import {
  ACCOUNT_SETTINGS,
  settingId,
  validatePrincipal,
  validateSetting,
  type AccountSettingRecord,
} from '../../domain/accountSettings.js';
import { InvalidParameter } from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import type { EcsContext } from './context.js';

const rootOf = (ctx: RequestContext) => `arn:aws:iam::${ctx.accountId}:root`;

/** The value in effect for a principal: its own, else the account default (set on root), else AWS's default. */
export function effectiveSetting(tables: Tables, principalArn: string, name: string): string {
  const own = tables.accountSettings.get(settingId(principalArn, name));
  if (own) return own.value.value;
  const root = principalArn.replace(/:(user|role)\/.*$/, ':root');
  return tables.accountSettings.get(settingId(root, name))?.value.value ?? ACCOUNT_SETTINGS[name]!.awsDefault;
}

const asSetting = (r: AccountSettingRecord, type: Setting['type'] = 'user'): Setting => ({
  name: r.name,
  value: r.value,
  principalArn: r.principalArn,
  type,
});

export function accountSettingOperations(ecs: EcsContext) {
  const { tables } = ecs;

  const put = async (name: string, value: string, principalArn: string): Promise<Setting> => {
    validateSetting(name, value);
    validatePrincipal(principalArn);
    const rec: AccountSettingRecord = { name: name as SettingName, value, principalArn };
    await ecs.cache.commit(new Txn().put(tables.accountSettings, settingId(principalArn, name), rec));
    return asSetting(rec);
  };

  return {
    async PutAccountSetting(input: PutAccountSettingRequest, ctx: RequestContext): Promise<PutAccountSettingResponse> {
      return { setting: await put(input.name!, input.value!, input.principalArn ?? ctx.principalArn) };
    },

    async PutAccountSettingDefault(
      input: PutAccountSettingDefaultRequest,
      ctx: RequestContext,
    ): Promise<PutAccountSettingDefaultResponse> {
      return { setting: await put(input.name!, input.value!, rootOf(ctx)) };
    },

    async DeleteAccountSetting(
      input: DeleteAccountSettingRequest,
      ctx: RequestContext,
    ): Promise<DeleteAccountSettingResponse> {
      const principalArn = input.principalArn ?? ctx.principalArn;
      validatePrincipal(principalArn);
      if (!ACCOUNT_SETTINGS[input.name!]) throw new InvalidParameter(`Invalid account setting name: ${input.name}.`);
      const id = settingId(principalArn, input.name!);
      const row = tables.accountSettings.get(id);
      if (!row) throw new InvalidParameter(`The account setting ${input.name} is not set for ${principalArn}.`);
      await ecs.cache.commit(new Txn().delete(tables.accountSettings, id, row.modRevision));
      return { setting: asSetting(row.value) };
    },

    ListAccountSettings(input: ListAccountSettingsRequest, ctx: RequestContext): ListAccountSettingsResponse {
      const principalArn = input.principalArn ?? ctx.principalArn;
      validatePrincipal(principalArn);
      if (input.name !== undefined && !ACCOUNT_SETTINGS[input.name]) {
        throw new InvalidParameter(`Invalid account setting name: ${input.name}.`);
      }
      const names = Object.keys(ACCOUNT_SETTINGS).filter((n) => input.name === undefined || n === input.name).sort();
      const settings: Setting[] = [];
      for (const name of names) {
        const own = tables.accountSettings.get(settingId(principalArn, name));
        if (own) settings.push(asSetting(own.value));
        else if (input.effectiveSettings) {
          const value = effectiveSetting(tables, principalArn, name);
          const fromAccount = value !== ACCOUNT_SETTINGS[name]!.awsDefault;
          settings.push({
            name: name as SettingName,
            value,
            principalArn: fromAccount ? rootOf(ctx) : principalArn,
            type: fromAccount ? 'user' : 'aws_managed',
          });
        }
      }
      const filtered = input.value === undefined ? settings : settings.filter((s) => s.value === input.value);
      const page = paginate(filtered, (s) => s.name!, {
        maxResults: input.maxResults,
        nextToken: input.nextToken,
        limit: 10,
        defaultMax: 10,
      });
      return { settings: page.items, nextToken: page.nextToken };
    },
  };
}
