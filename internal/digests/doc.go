// Package digests resolves image tags to the digests they point to now, from the
// registries that hold them (the OCI distribution API, through go-containerregistry).
//
// Why: DescribeImageCaches returns image references, never digests, so a cache built
// from web:1 silently goes stale when web:1 is pushed again. imcsync resolves the tags
// of the file at plan time and compares them with what each cache was built from.
//
// A registry is one more API to be polite to: references are resolved a bounded number
// at a time, each tag once however many caches name it, one registry's first reference
// before the others (a registry that cannot be reached costs one failed call, not one
// per image), and throttling and server errors are retried with backoff.
package digests
