// The AWS SDK warns on every start that its releases after January 2027 need Node.js 22. That notice is for Wharf's
// maintainers (package.json pins the SDK), not for a person running `wharf`; imported first, before any client exists.
// Child processes (load balancer workers, namespace helpers) inherit the setting.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
