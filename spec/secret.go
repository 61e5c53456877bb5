package spec

import (
	"fmt"
	"slices"
	"strings"
)

// allowPasswordEnv is the environment variable that lets passwordFromEnv name
// credential variables (see credentialVariable) anyway: a comma-separated list of their
// names. It is read from the environment apply runs in, never from the file, so that
// whoever edits the file cannot send the runner's own credentials to a registry.
const allowPasswordEnv = "IMCSYNC_ALLOW_PASSWORD_ENV"

// credentialPrefixes start the names of variables that hold the runner's own
// credentials: the Alibaba Cloud credential chain (and other Alibaba Cloud tools), and
// the tokens of CI systems.
var credentialPrefixes = []struct{ prefix, what string }{
	{"ALIBABA_CLOUD_", "a variable of the Alibaba Cloud credential chain"},
	{"ALIBABACLOUD_", "an Alibaba Cloud credential variable"},
	{"ALICLOUD_", "an Alibaba Cloud credential variable"},
	{"ALIYUN_", "an Alibaba Cloud credential variable"},
	{"GITHUB_", "a GitHub variable (GITHUB_TOKEN and the like)"},
	{"GH_", "a GitHub token variable"},
	{"ACTIONS_", "a GitHub Actions runtime variable"},
	{"GITLAB_", "a GitLab variable"},
	{"CI_JOB_", "a GitLab CI job token variable"},
	{"IMCSYNC_", "one of imcsync's own variables"},
}

// credentialVariable says what the environment variable name holds when it is one of
// the runner's own credentials, which passwordFromEnv must not name, and "" otherwise.
func credentialVariable(name string) string {
	upper := strings.ToUpper(name)
	for _, p := range credentialPrefixes {
		if strings.HasPrefix(upper, p.prefix) {
			return p.what
		}
	}
	return ""
}

// Password reads the credential's password from the environment variable its
// PasswordFromEnv names. It is for apply time only: validation never needs it. An unset
// or empty variable is an error that names the variable, never a value; so is a
// credential variable (credentialVariable) that allowPasswordEnv does not list.
func (c RegistryCredential) Password(getenv func(string) string) (string, error) {
	if what := credentialVariable(c.PasswordFromEnv); what != "" {
		allowed := strings.Split(getenv(allowPasswordEnv), ",")
		if !slices.Contains(allowed, c.PasswordFromEnv) {
			return "", fmt.Errorf("registry credential for %s: passwordFromEnv names %s, %s; imcsync does not send it to a registry. If it really holds this registry's password, set %s=%s",
				c.Server, c.PasswordFromEnv, what, allowPasswordEnv, c.PasswordFromEnv)
		}
	}
	p := getenv(c.PasswordFromEnv)
	if p == "" {
		return "", fmt.Errorf("registry credential for %s: environment variable %s is not set (passwordFromEnv); export it before running apply", c.Server, c.PasswordFromEnv)
	}
	return p, nil
}
