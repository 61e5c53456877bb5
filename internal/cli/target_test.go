package cli

import "testing"

// TestAccountOf: the account is read from an OIDC role's ARN, the CI credentials; an
// ARN alone (no OIDC provider) is not what the credential chain uses.
func TestAccountOf(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1234567890:role/ci", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1234567890:oidc-provider/gh"}, "1234567890"},
		{map[string]string{"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1234567890:role/ci"}, ""},
		{map[string]string{"ALIBABA_CLOUD_ROLE_ARN": "garbage", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "x"}, ""},
		{map[string]string{}, ""},
	} {
		if got := accountOf(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.env, got, tc.want)
		}
	}
}
