package spec

import "fmt"

// Password reads the credential's password from the environment variable its
// PasswordFromEnv names. It is for apply time only: validation never needs it. An unset
// or empty variable is an error that names the variable, never a value.
func (c RegistryCredential) Password(getenv func(string) string) (string, error) {
	p := getenv(c.PasswordFromEnv)
	if p == "" {
		return "", fmt.Errorf("registry credential for %s: environment variable %s is not set (passwordFromEnv); export it before running apply", c.Server, c.PasswordFromEnv)
	}
	return p, nil
}
