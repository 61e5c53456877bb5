package spec

import (
	"fmt"
	"regexp"
	"strings"
)

// Image references follow the grammar of the OCI distribution reference
// ([registry[:port]/]path[:tag][@digest]); the API caches versioned images only, so a
// tag or a digest is required.
var (
	domainRe    = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$`)
	componentRe = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	imageTagRe  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestRe    = regexp.MustCompile(`^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$`)
)

const maxImageNameLength = 255

// checkImage returns what is wrong with an image reference, or "".
func checkImage(ref string) string {
	if msg := imageProblem(ref); msg != "" {
		return fmt.Sprintf("invalid image %s: %s", shown(ref), msg)
	}
	return ""
}

func imageProblem(ref string) string {
	if ref == "" {
		return "empty"
	}
	if strings.ContainsAny(ref, " \t\r\n") {
		return "contains white space"
	}
	rest, digest, hasDigest := strings.Cut(ref, "@")
	if hasDigest && !digestRe.MatchString(digest) {
		return "the digest must be sha256: followed by 64 lower-case hex digits"
	}
	name, tag := rest, ""
	if i := strings.LastIndex(rest, ":"); i > strings.LastIndex(rest, "/") {
		name, tag = rest[:i], rest[i+1:]
		if !imageTagRe.MatchString(tag) {
			return "the tag must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"
		}
	}
	if len(name) > maxImageNameLength {
		return fmt.Sprintf("the repository name is longer than %d characters", maxImageNameLength)
	}
	parts := strings.Split(name, "/")
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		if !domainRe.MatchString(parts[0]) {
			return fmt.Sprintf("invalid registry host %s", shown(parts[0]))
		}
		parts = parts[1:]
	}
	for _, p := range parts {
		if !componentRe.MatchString(p) {
			if strings.ToLower(p) != p {
				return "the repository name must be lower-case"
			}
			return fmt.Sprintf("invalid repository path component %s", shown(p))
		}
	}
	if tag == "" && !hasDigest {
		return "no tag or digest: the API caches versioned images only, e.g. nginx:1.25 or nginx@sha256:<digest>"
	}
	return ""
}
