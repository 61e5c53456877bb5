package spec

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of one UpdateImageCache call (seed API page).
const (
	maxImages      = 100
	MaxTags        = 20
	maxCredentials = 10
	maxAcrInfos    = 20
	MaxTagLength   = 128
	maxDomains     = 100                 // domains of one ACR instance: undocumented, a bound like Image's
	maxHostLength  = 253 + len(":65535") // a DNS name and a port
)

var (
	// nameRe is the rule chosen for image cache names and owner: 2–128 letters,
	// digits, '-', '_' or '.', starting with a letter or digit.
	nameRe   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,127}$`)
	idRe     = regexp.MustCompile(`^imc-[a-z0-9]+$`)
	regionRe = regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)+$`)
	envRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

func checkName(s string) string {
	if !nameRe.MatchString(s) {
		return fmt.Sprintf("invalid name %s: use 2 to 128 letters, digits, '-', '_' or '.', starting with a letter or digit", shown(s))
	}
	return ""
}

func checkID(s string) string {
	if !idRe.MatchString(s) {
		return fmt.Sprintf("invalid image cache id %s: want imc- followed by lower-case letters and digits", shown(s))
	}
	return ""
}

func checkRegion(s string) string {
	if !regionRe.MatchString(s) {
		return fmt.Sprintf("invalid region %s: want a region id such as cn-hangzhou", shown(s))
	}
	return ""
}

func checkZone(s string) string {
	if !regionRe.MatchString(s) {
		return fmt.Sprintf("invalid zone %s: want a zone id such as cn-hangzhou-k", shown(s))
	}
	return ""
}

// resourceID checks an Alibaba Cloud resource id with the given prefix, e.g. "sg-".
func resourceID(prefix, what string) func(string) string {
	re := regexp.MustCompile(idPattern(prefix))
	return func(s string) string {
		if !re.MatchString(s) {
			return fmt.Sprintf("invalid %s %s: want %s followed by letters and digits", what, shown(s), prefix)
		}
		return ""
	}
}

// idPattern is the regular expression of a resource id with the given prefix.
func idPattern(prefix string) string { return `^` + prefix + `[A-Za-z0-9]+$` }

var checkVSwitch = resourceID("vsw-", "vSwitch id")

// checkVSwitches takes one vSwitch id or up to 10 separated by commas, as the API does.
func checkVSwitches(s string) string {
	ids := strings.Split(s, ",")
	if len(ids) > 10 {
		return fmt.Sprintf("%d vSwitch ids, at most 10", len(ids))
	}
	for _, id := range ids {
		if msg := checkVSwitch(id); msg != "" {
			return msg
		}
	}
	return ""
}

func checkElimination(s string) string {
	if s != "" && s != "LRU" {
		return fmt.Sprintf(`invalid eliminationStrategy %s: want "LRU" or "" (keep forever)`, shown(s))
	}
	return ""
}

func checkRefresh(s string) string {
	if s != RefreshAuto && s != RefreshNever {
		return fmt.Sprintf("invalid refresh %s: want %q (rebuild the cache when an image tag moves) or %q", shown(s), RefreshAuto, RefreshNever)
	}
	return ""
}

func checkOsType(s string) string {
	if s != "Linux" && s != "Windows" {
		return fmt.Sprintf("invalid osType %s: want Linux or Windows", shown(s))
	}
	return ""
}

// checkRegistries takes a comma-separated list of registry hosts.
func checkRegistries(s string) string {
	for _, r := range strings.Split(s, ",") {
		if msg := checkServer(r); msg != "" {
			return msg
		}
	}
	return ""
}

func checkServer(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "registry must not be empty"
	case strings.Contains(s, "://"):
		return fmt.Sprintf("registry %s must be a host name without a scheme such as https://", shown(s))
	case strings.ContainsAny(s, " \t/"):
		return fmt.Sprintf("invalid registry %s: want a host name with an optional :port", shown(s))
	case len(s) > maxHostLength:
		return fmt.Sprintf("registry %s is %d characters long, at most %d (a host name and a port)", shown(s), len(s), maxHostLength)
	}
	return ""
}

func checkEnvName(s string) string {
	if !envRe.MatchString(s) {
		return fmt.Sprintf("invalid environment variable name %s: use letters, digits and '_', not starting with a digit", shown(s))
	}
	return ""
}

func checkNonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "must not be empty"
	}
	return ""
}

func anyString(string) string { return "" }

// checkTagKey applies the tag rules of ECI's TagResources plus imcsync's reserved prefix.
func checkTagKey(k string) string {
	lower := strings.ToLower(k)
	switch {
	case k == "":
		return "tag key must not be empty"
	case control(k) != "":
		return "tag key must not contain " + control(k)
	case utf8.RuneCountInString(k) > MaxTagLength:
		return fmt.Sprintf("tag key is %d characters long, at most %d", utf8.RuneCountInString(k), MaxTagLength)
	case strings.Contains(lower, "http://") || strings.Contains(lower, "https://"):
		return "tag key must not contain http:// or https://"
	case strings.HasPrefix(lower, "aliyun") || strings.HasPrefix(lower, "acs:"):
		return "tag key must not start with aliyun or acs: (reserved by Alibaba Cloud)"
	case strings.HasPrefix(lower, ReservedTagPrefix):
		return "tag keys starting with " + ReservedTagPrefix + " are reserved for imcsync's own bookkeeping"
	}
	return ""
}

func checkTagValue(v string) string {
	lower := strings.ToLower(v)
	switch {
	case utf8.RuneCountInString(v) > MaxTagLength:
		return fmt.Sprintf("tag value is %d characters long, at most %d", utf8.RuneCountInString(v), MaxTagLength)
	case control(v) != "":
		return "tag value must not contain " + control(v)
	case strings.Contains(lower, "http://") || strings.Contains(lower, "https://"):
		return "tag value must not contain http:// or https://"
	}
	return ""
}
