// The one catalogue of AWS-shaped errors. Anything below the gateway throws these; the gateway encodes them once per
// protocol (JSON 1.1 `__type` + `message`, query-protocol XML). Keep each code's HTTP status and fault here, not at the
// throw site.

export type Fault = 'client' | 'server';

export class AwsError extends Error {
  constructor(
    /** The AWS error code, e.g. `ClusterNotFoundException`. */
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fault: Fault = 'client',
    /** Where a query-protocol API (ELBv2, CloudWatch) names this error differently, its code and text there. */
    readonly query?: QueryForm,
  ) {
    super(message);
    this.name = code;
  }
}

export interface QueryForm {
  code: string;
  /** A fixed text the query APIs answer with instead of the message; the message otherwise. */
  message?: string;
}

function kind(code: string, status = 400, fault: Fault = 'client', query?: QueryForm) {
  return class extends AwsError {
    static readonly code = code;
    constructor(message: string) {
      super(code, message, status, fault, query);
    }
  };
}

// Authentication (shared by every AWS API). The query-protocol APIs name them as AWS's Common Errors pages do (and
// STS answers: "Request is missing Authentication Token"); an incomplete signature is a 400 there and in JSON alike.
export const MissingAuthenticationToken = kind('MissingAuthenticationTokenException', 403, 'client', {
  code: 'MissingAuthenticationToken',
  message: 'Request is missing Authentication Token',
});
export const UnrecognizedClient = kind('UnrecognizedClientException', 403, 'client', { code: 'InvalidClientTokenId' });
export const InvalidSignature = kind('InvalidSignatureException', 403, 'client', { code: 'SignatureDoesNotMatch' });
export const IncompleteSignature = kind('IncompleteSignatureException', 400, 'client', { code: 'IncompleteSignature' });

// Protocol level (shared by every JSON API).
export const SerializationError = kind('SerializationException', 400);
export const UnknownOperation = kind('UnknownOperationException', 400);
export const RequestEntityTooLarge = kind('RequestEntityTooLargeException', 413);
export const ValidationError = kind('ValidationException', 400);

// ECS.
export const ClientError = kind('ClientException', 400);
export const InvalidParameter = kind('InvalidParameterException', 400);
export const ServerError = kind('ServerException', 500, 'server');
export const ClusterNotFound = kind('ClusterNotFoundException', 400);
export const ClusterContainsContainerInstances = kind('ClusterContainsContainerInstancesException', 400);
export const ClusterContainsServices = kind('ClusterContainsServicesException', 400);
export const ClusterContainsTasks = kind('ClusterContainsTasksException', 400);
export const ResourceNotFound = kind('ResourceNotFoundException', 400);
export const ResourceInUse = kind('ResourceInUseException', 400);
export const TargetNotFound = kind('TargetNotFoundException', 400);
export const AttributeLimitExceeded = kind('AttributeLimitExceededException', 400);
export const LimitExceeded = kind('LimitExceededException', 400);
export const AccessDenied = kind('AccessDeniedException', 400);
export const UpdateInProgress = kind('UpdateInProgressException', 400);
export const ServiceNotFound = kind('ServiceNotFoundException', 400);
export const ServiceNotActive = kind('ServiceNotActiveException', 400);
export const PlatformUnknown = kind('PlatformUnknownException', 400);
export const PlatformTaskDefinitionIncompatibility = kind('PlatformTaskDefinitionIncompatibilityException', 400);
export const UnsupportedFeature = kind('UnsupportedFeatureException', 400);
export const Conflict = kind('ConflictException', 400);
export const NoUpdateAvailable = kind('NoUpdateAvailableException', 400);
export const ServiceDeploymentNotFound = kind('ServiceDeploymentNotFoundException', 400);
export const TaskSetNotFound = kind('TaskSetNotFoundException', 400);
export const NamespaceNotFound = kind('NamespaceNotFoundException', 400);

/** Every code in the catalogue, for the docs/test cross-check. */
export const ERROR_CODES: readonly string[] = [
  MissingAuthenticationToken, UnrecognizedClient, InvalidSignature, IncompleteSignature, SerializationError,
  UnknownOperation, RequestEntityTooLarge, ValidationError, ClientError, InvalidParameter, ServerError, ClusterNotFound,
  ClusterContainsContainerInstances, ClusterContainsServices, ClusterContainsTasks, ResourceNotFound, ResourceInUse,
  TargetNotFound, AttributeLimitExceeded, LimitExceeded, AccessDenied, UpdateInProgress, ServiceNotFound,
  ServiceNotActive, PlatformUnknown, PlatformTaskDefinitionIncompatibility, UnsupportedFeature, Conflict,
  NoUpdateAvailable, ServiceDeploymentNotFound, TaskSetNotFound, NamespaceNotFound,
].map((k) => k.code);

// ECR (its InvalidParameterException, ServerException and LimitExceededException are the shared ones above).
export const RepositoryNotFound = kind('RepositoryNotFoundException', 400);
export const RepositoryAlreadyExists = kind('RepositoryAlreadyExistsException', 400);
export const RepositoryNotEmpty = kind('RepositoryNotEmptyException', 400);
export const RepositoryPolicyNotFound = kind('RepositoryPolicyNotFoundException', 400);
export const ImageNotFound = kind('ImageNotFoundException', 400);
export const ImageAlreadyExists = kind('ImageAlreadyExistsException', 400);
export const ImageTagAlreadyExists = kind('ImageTagAlreadyExistsException', 400);
export const ImageDigestDoesNotMatch = kind('ImageDigestDoesNotMatchException', 400);
export const LayerAlreadyExists = kind('LayerAlreadyExistsException', 400);
export const LayersNotFound = kind('LayersNotFoundException', 400);
export const LayerInaccessible = kind('LayerInaccessibleException', 400);
export const InvalidLayer = kind('InvalidLayerException', 400);
export const InvalidLayerPart = kind('InvalidLayerPartException', 400);
export const UploadNotFound = kind('UploadNotFoundException', 400);
export const EmptyUpload = kind('EmptyUploadException', 400);
export const ReferencedImagesNotFound = kind('ReferencedImagesNotFoundException', 400);
export const LifecyclePolicyNotFound = kind('LifecyclePolicyNotFoundException', 400);
export const LifecyclePolicyPreviewNotFound = kind('LifecyclePolicyPreviewNotFoundException', 400);
export const InvalidTagParameter = kind('InvalidTagParameterException', 400);
export const TooManyTags = kind('TooManyTagsException', 400);

/** The ECR codes, for the same cross-check as ERROR_CODES. */
export const ECR_ERROR_CODES: readonly string[] = [
  RepositoryNotFound, RepositoryAlreadyExists, RepositoryNotEmpty, RepositoryPolicyNotFound, ImageNotFound,
  ImageAlreadyExists, ImageTagAlreadyExists, ImageDigestDoesNotMatch, LayerAlreadyExists, LayersNotFound,
  LayerInaccessible, InvalidLayer, InvalidLayerPart, UploadNotFound, EmptyUpload, ReferencedImagesNotFound,
  LifecyclePolicyNotFound, LifecyclePolicyPreviewNotFound, InvalidTagParameter, TooManyTags,
].map((k) => k.code);

// ELBv2 (query protocol: the wire code is the model's error code, e.g. TargetGroupNotFound; ValidationError is the
// model-validation code the gateway's query decoder uses).
export const LoadBalancerNotFound = kind('LoadBalancerNotFound', 400);
export const TargetGroupNotFound = kind('TargetGroupNotFound', 400);
export const ListenerNotFound = kind('ListenerNotFound', 400);
export const RuleNotFound = kind('RuleNotFound', 400);
export const DuplicateLoadBalancerName = kind('DuplicateLoadBalancerName', 400);
export const DuplicateTargetGroupName = kind('DuplicateTargetGroupName', 400);
export const DuplicateListener = kind('DuplicateListener', 400);
export const DuplicateTagKeys = kind('DuplicateTagKeys', 400);
export const PriorityInUse = kind('PriorityInUse', 400);
export const InvalidConfigurationRequest = kind('InvalidConfigurationRequest', 400);
export const InvalidTarget = kind('InvalidTarget', 400);
export const InvalidLoadBalancerAction = kind('InvalidLoadBalancerAction', 400);
export const InvalidScheme = kind('InvalidScheme', 400);
export const ElbResourceInUse = kind('ResourceInUse', 400);
export const ElbTooManyTags = kind('TooManyTags', 400);
export const TooManyTargets = kind('TooManyTargets', 400);
export const TooManyRules = kind('TooManyRules', 400);
export const TooManyActions = kind('TooManyActions', 400);
export const UnsupportedProtocol = kind('UnsupportedProtocol', 400);
export const OperationNotPermitted = kind('OperationNotPermitted', 400);
export const ElbValidationError = kind('ValidationError', 400);

/** The ELBv2 codes, for the same cross-check as ERROR_CODES. */
export const ELBV2_ERROR_CODES: readonly string[] = [
  LoadBalancerNotFound, TargetGroupNotFound, ListenerNotFound, RuleNotFound, DuplicateLoadBalancerName,
  DuplicateTargetGroupName, DuplicateListener, DuplicateTagKeys, PriorityInUse, InvalidConfigurationRequest,
  InvalidTarget, InvalidLoadBalancerAction, InvalidScheme, ElbResourceInUse, ElbTooManyTags, TooManyTargets,
  TooManyRules, TooManyActions, UnsupportedProtocol, OperationNotPermitted, ElbValidationError,
].map((k) => k.code);

// CloudWatch (query codes; the JSON 1.0 and CBOR protocols carry the same codes in x-amzn-query-error).
export const InvalidParameterValue = kind('InvalidParameterValue', 400);
export const MissingParameter = kind('MissingParameter', 400);
export const InvalidParameterCombination = kind('InvalidParameterCombination', 400);
export const CwResourceNotFound = kind('ResourceNotFound', 404);
export const InvalidNextToken = kind('InvalidNextToken', 400);
export const CwLimitExceeded = kind('LimitExceeded', 400);

// CloudWatch Logs (its InvalidParameterException and ResourceNotFoundException are the shared ones above).
export const ResourceAlreadyExists = kind('ResourceAlreadyExistsException', 400);
export const DataAlreadyAccepted = kind('DataAlreadyAcceptedException', 400);
export const InvalidSequenceToken = kind('InvalidSequenceTokenException', 400);

// Application Auto Scaling (its ValidationException and LimitExceededException are the shared ones above).
export const ObjectNotFound = kind('ObjectNotFoundException', 400);
export const ConcurrentUpdate = kind('ConcurrentUpdateException', 400);
export const FailedResourceAccess = kind('FailedResourceAccessException', 400);

/** The CloudWatch, Logs and Application Auto Scaling codes, for the same cross-check as ERROR_CODES. */
export const OBSERVABILITY_ERROR_CODES: readonly string[] = [
  InvalidParameterValue, MissingParameter, InvalidParameterCombination, CwResourceNotFound, InvalidNextToken,
  CwLimitExceeded, ResourceAlreadyExists, DataAlreadyAccepted, InvalidSequenceToken, ObjectNotFound, ConcurrentUpdate,
  FailedResourceAccess,
].map((k) => k.code);

// The gateway's own refusals of a body it will not wait for (shared by every AWS API).
export const Throttling = kind('ThrottlingException', 400, 'client', { code: 'Throttling' });
export const RequestTimeout = kind('RequestTimeoutException', 408, 'client', { code: 'RequestTimeout' });

// Secrets Manager (its InvalidParameterException, ResourceNotFoundException, LimitExceededException and
// ValidationException are the shared ones above).
export const ResourceExists = kind('ResourceExistsException', 400);
export const InvalidRequest = kind('InvalidRequestException', 400);
export const MalformedPolicyDocument = kind('MalformedPolicyDocumentException', 400);
export const SmInvalidNextToken = kind('InvalidNextTokenException', 400);
export const DecryptionFailure = kind('DecryptionFailure', 400);

// SSM Parameter Store (its ValidationException is the shared one; InvalidNextToken is CloudWatch's code as well).
export const ParameterNotFound = kind('ParameterNotFound', 400);
export const ParameterAlreadyExists = kind('ParameterAlreadyExists', 400);
export const ParameterVersionNotFound = kind('ParameterVersionNotFound', 400);
export const ParameterVersionLabelLimitExceeded = kind('ParameterVersionLabelLimitExceeded', 400);
export const ParameterMaxVersionLimitExceeded = kind('ParameterMaxVersionLimitExceeded', 400);
export const ParameterPatternMismatch = kind('ParameterPatternMismatchException', 400);
export const InvalidAllowedPattern = kind('InvalidAllowedPatternException', 400);
export const HierarchyLevelLimitExceeded = kind('HierarchyLevelLimitExceededException', 400);
export const UnsupportedParameterType = kind('UnsupportedParameterType', 400);
export const InvalidFilterKey = kind('InvalidFilterKey', 400);
export const InvalidFilterOption = kind('InvalidFilterOption', 400);
export const InvalidFilterValue = kind('InvalidFilterValue', 400);
export const InvalidResourceType = kind('InvalidResourceType', 400);
export const InvalidResourceId = kind('InvalidResourceId', 400);
export const TooManyTagsError = kind('TooManyTagsError', 400);

/** The Secrets Manager and SSM codes, for the same cross-check as ERROR_CODES. */
export const SECRETS_ERROR_CODES: readonly string[] = [
  ResourceExists, InvalidRequest, MalformedPolicyDocument, SmInvalidNextToken, DecryptionFailure, ParameterNotFound,
  ParameterAlreadyExists, ParameterVersionNotFound, ParameterVersionLabelLimitExceeded,
  ParameterMaxVersionLimitExceeded, ParameterPatternMismatch, InvalidAllowedPattern, HierarchyLevelLimitExceeded,
  UnsupportedParameterType, InvalidFilterKey, InvalidFilterOption, InvalidFilterValue, InvalidResourceType,
  InvalidResourceId, TooManyTagsError,
].map((k) => k.code);

// IAM and STS (query protocol: the wire code is the model's, e.g. NoSuchEntity; ValidationError is the model-validation
// code of both). The gateway's authorization refusal is AccessDeniedException on JSON APIs (the query code rides in
// x-amzn-query-error for CloudWatch) and AccessDenied (403) on query APIs; temporary keys past their expiration are
// ExpiredTokenException / ExpiredToken.
export const NoSuchEntity = kind('NoSuchEntity', 404);
export const EntityAlreadyExists = kind('EntityAlreadyExists', 409);
export const DeleteConflict = kind('DeleteConflict', 409);
export const IamLimitExceeded = kind('LimitExceeded', 409);
export const IamMalformedPolicyDocument = kind('MalformedPolicyDocument', 400);
export const IamInvalidInput = kind('InvalidInput', 400);
export const IamValidationError = kind('ValidationError', 400);
export const NotAuthorized = kind('AccessDeniedException', 400, 'client', { code: 'AccessDenied' });
export const QueryNotAuthorized = kind('AccessDenied', 403);
export const ExpiredToken = kind('ExpiredTokenException', 400, 'client', { code: 'ExpiredToken' });

/** The IAM, STS and authorization codes, for the same cross-check as ERROR_CODES. */
export const IDENTITY_ERROR_CODES: readonly string[] = [
  NoSuchEntity, EntityAlreadyExists, DeleteConflict, IamLimitExceeded, IamMalformedPolicyDocument, IamInvalidInput,
  IamValidationError, NotAuthorized, QueryNotAuthorized, ExpiredToken,
].map((k) => k.code);
