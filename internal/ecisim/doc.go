// Package ecisim is a local emulator of the Alibaba Cloud ECI image-cache API
// (CreateImageCache, DescribeImageCaches, UpdateImageCache, DeleteImageCache, and the
// tag actions TagResources, UntagResources and ListTagResources for ResourceType
// ImageCache; version 2018-08-08) that speaks the real wire protocol, so the official SDKs work against it
// unchanged.
//
// Why it exists: the client's promises — the fewest, smallest updates, parallel calls,
// status preconditions, idempotent retries — can only be tested against something that
// answers like ECI: signatures checked, statuses that move, NoNeedUpdate and
// IncorrectStatus where the real service gives them, throttling and 5xx on demand. A mock
// of our own client would only confirm our own assumptions; this server is driven by
// clients nobody here wrote (the tests use eci-20180808 v3.1.1 and the older
// alibaba-cloud-sdk-go), and it is what `imcsync sim` and `--sim STATE` run.
//
// The emulator is independent of the rest of imcsync: it has its own types (State, Cache)
// and imports none of the project's packages.
//
// Wire: RPC style on any path. ACS3-HMAC-SHA256 (action and version in the x-acs-action
// and x-acs-version headers) and HMAC-SHA1 (Action/Version/Signature in the query or a
// form body, GET or POST) are both verified against Config.Keys. Errors carry Alibaba's
// body: RequestId, HostId, Code, Message, Recommend.
//
// Lifecycle: statuses are computed lazily from the Clock. Each operation records its
// future transitions (Preparing → Creating → Ready or Failed; Updating → Ready or
// UpdateFailed), and every request first applies those that are due, so advancing a
// ManualClock moves caches along without sleeping.
//
// The choices made where the API documentation is silent are listed in docs/emulator.md.
package ecisim
