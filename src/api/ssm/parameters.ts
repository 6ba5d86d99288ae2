// Parameter Store: PutParameter, GetParameter(s), GetParametersByPath, DeleteParameter(s), DescribeParameters,
// GetParameterHistory, Label/UnlabelParameterVersion and the tag operations on parameters.
import type {
  AddTagsToResourceRequest, DeleteParameterRequest, DeleteParametersRequest, DeleteParametersResult,
  DescribeParametersRequest, DescribeParametersResult, GetParameterHistoryRequest, GetParameterHistoryResult,
  GetParameterRequest, GetParameterResult, GetParametersByPathRequest, GetParametersByPathResult, GetParametersRequest,
  GetParametersResult, LabelParameterVersionRequest, LabelParameterVersionResult, ListTagsForResourceRequest,
  ListTagsForResourceResult, Parameter, PutParameterRequest, PutParameterResult, RemoveTagsFromResourceRequest,
  UnlabelParameterVersionRequest, UnlabelParameterVersionResult,
} from '@aws-sdk/client-ssm';
import { AwsError, InvalidNextToken, ValidationError } from '../../domain/errors.js';
import { checkFilters, legacyFilters, matchesFilters, underPath } from '../../domain/parameters/filters.js';
import { current, parameterArn, type ParameterRecord, type ParameterVersionRecord } from '../../domain/parameters/parameter.js';
import type { RequestContext } from '../../gateway/service.js';
import type { ParameterStore } from '../../secrets/parameterStore.js';
import { pageOf } from '../cloudwatch/paging.js';

const badToken = () => new InvalidNextToken('The nextToken is not valid.');

export function parameterOperations(ps: ParameterStore) {
  const show = (rec: ParameterRecord, v: ParameterVersionRecord, decrypt: boolean, ctx: RequestContext, selector?: string): Parameter => ({
    Name: rec.name,
    Type: v.type,
    Value: ps.value(rec, v, decrypt),
    Version: v.version,
    Selector: selector,
    LastModifiedDate: v.lastModifiedDate,
    ARN: parameterArn(ctx.region, ctx.accountId, rec.name),
    DataType: v.dataType,
  });
  const describe = (rec: ParameterRecord, ctx: RequestContext) => {
    const v = current(rec);
    return {
      Name: rec.name,
      ARN: parameterArn(ctx.region, ctx.accountId, rec.name),
      Type: v.type,
      KeyId: v.keyId,
      LastModifiedDate: v.lastModifiedDate,
      LastModifiedUser: v.lastModifiedUser,
      Description: v.description,
      AllowedPattern: v.allowedPattern,
      Version: v.version,
      Tier: v.tier,
      Policies: [],
      DataType: v.dataType,
    };
  };

  return {
    async PutParameter(input: PutParameterRequest, ctx: RequestContext): Promise<PutParameterResult> {
      const { version, tier } = await ps.put(
        { ...input, Name: input.Name!, Value: input.Value!, Tags: input.Tags?.map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })) },
        ctx,
      );
      return { Version: version, Tier: tier as PutParameterResult['Tier'] };
    },

    GetParameter(input: GetParameterRequest, ctx: RequestContext): GetParameterResult {
      const { rec, version, selector } = ps.read(input.Name!);
      return { Parameter: show(rec, version, input.WithDecryption === true, ctx, selector) };
    },

    GetParameters(input: GetParametersRequest, ctx: RequestContext): GetParametersResult {
      const Parameters: Parameter[] = [];
      const InvalidParameters: string[] = [];
      for (const name of new Set(input.Names ?? [])) {
        try {
          const { rec, version, selector } = ps.read(name);
          Parameters.push(show(rec, version, input.WithDecryption === true, ctx, selector));
        } catch (e) {
          if (!(e instanceof AwsError)) throw e;
          InvalidParameters.push(name);
        }
      }
      return { Parameters, InvalidParameters };
    },

    GetParametersByPath(input: GetParametersByPathRequest, ctx: RequestContext): GetParametersByPathResult {
      const path = input.Path!;
      if (!path.startsWith('/')) {
        throw new ValidationError('The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".');
      }
      checkFilters(input.ParameterFilters, true);
      const found = ps.all().filter((p) => underPath(p.name, path, input.Recursive === true) && matchesFilters(p, input.ParameterFilters));
      const { page, next } = pageOf(found, input.NextToken, input.MaxResults ?? 10, badToken);
      return { Parameters: page.map((p) => show(p, current(p), input.WithDecryption === true, ctx)), NextToken: next };
    },

    async DeleteParameter(input: DeleteParameterRequest): Promise<Record<string, never>> {
      const { invalid } = await ps.delete([input.Name!]);
      if (invalid.length) ps.require(input.Name!); // throws ParameterNotFound
      return {};
    },

    async DeleteParameters(input: DeleteParametersRequest): Promise<DeleteParametersResult> {
      const { deleted, invalid } = await ps.delete(input.Names ?? []);
      return { DeletedParameters: deleted, InvalidParameters: invalid };
    },

    DescribeParameters(input: DescribeParametersRequest, ctx: RequestContext): DescribeParametersResult {
      const filters = [...legacyFilters(input.Filters, input.ParameterFilters), ...(input.ParameterFilters ?? [])];
      checkFilters(filters, false);
      const found = ps.all().filter((p) => matchesFilters(p, filters));
      const { page, next } = pageOf(found, input.NextToken, input.MaxResults ?? 50, badToken);
      return { Parameters: page.map((p) => describe(p, ctx)), NextToken: next };
    },

    GetParameterHistory(input: GetParameterHistoryRequest): GetParameterHistoryResult {
      const rec = ps.require(input.Name!);
      const { page, next } = pageOf(rec.versions, input.NextToken, input.MaxResults ?? 50, badToken);
      return {
        Parameters: page.map((v) => ({
          Name: rec.name,
          Type: v.type,
          KeyId: v.keyId,
          LastModifiedDate: v.lastModifiedDate,
          LastModifiedUser: v.lastModifiedUser,
          Description: v.description,
          Value: ps.value(rec, v, input.WithDecryption === true),
          AllowedPattern: v.allowedPattern,
          Version: v.version,
          Labels: [...v.labels],
          Tier: v.tier,
          Policies: [],
          DataType: v.dataType,
        })),
        NextToken: next,
      };
    },

    async LabelParameterVersion(input: LabelParameterVersionRequest): Promise<LabelParameterVersionResult> {
      const { version, invalid } = await ps.label(input.Name!, input.ParameterVersion, input.Labels ?? []);
      return { InvalidLabels: invalid, ParameterVersion: version };
    },

    async UnlabelParameterVersion(input: UnlabelParameterVersionRequest): Promise<UnlabelParameterVersionResult> {
      const { removed, invalid } = await ps.unlabel(input.Name!, input.ParameterVersion!, input.Labels ?? []);
      return { RemovedLabels: removed, InvalidLabels: invalid };
    },

    async AddTagsToResource(input: AddTagsToResourceRequest): Promise<Record<string, never>> {
      await ps.addTags(input.ResourceType!, input.ResourceId!, (input.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })));
      return {};
    },

    async RemoveTagsFromResource(input: RemoveTagsFromResourceRequest): Promise<Record<string, never>> {
      await ps.removeTags(input.ResourceType!, input.ResourceId!, input.TagKeys ?? []);
      return {};
    },

    ListTagsForResource(input: ListTagsForResourceRequest): ListTagsForResourceResult {
      return { TagList: ps.tagsOf(input.ResourceType!, input.ResourceId!) };
    },
  };
}
