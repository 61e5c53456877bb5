package spec

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// decimalRe is the only integer form imcsync reads: plain decimal digits, optionally
// negative, without leading zeros. YAML 1.1 (which the YAML library speaks) reads 010 as
// 8, 0x10 as 16 and 2_0 as 20, while the JSON Schema and editors read YAML 1.2; refusing
// every other form keeps both readings equal.
var decimalRe = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// notDecimal explains why v, a YAML number, is not a plain decimal integer and how to
// write it.
func notDecimal(v string) string {
	plain := strings.ReplaceAll(strings.TrimPrefix(v, "+"), "_", "")
	neg := strings.HasPrefix(plain, "-")
	digits := strings.TrimPrefix(plain, "-")
	sign := ""
	if neg {
		sign = "-"
	}
	lower := strings.ToLower(digits)
	for _, p := range []struct {
		prefix string
		base   int
		name   string
	}{{"0x", 16, "hexadecimal"}, {"0o", 8, "octal"}, {"0b", 2, "binary"}} {
		if rest, ok := strings.CutPrefix(lower, p.prefix); ok {
			if n, err := strconv.ParseInt(rest, p.base, 64); err == nil {
				return fmt.Sprintf("%s is a %s number: write it in decimal, %s%d", shown(v), p.name, sign, n)
			}
			return fmt.Sprintf("%s is not a plain decimal integer: write decimal digits only", shown(v))
		}
	}
	if digitsOnly(digits) {
		trimmed := strings.TrimLeft(digits, "0")
		if trimmed == "" {
			trimmed = "0"
		}
		if len(digits) > 1 && digits[0] == '0' {
			msg := fmt.Sprintf("%s has a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal: write %s%s", shown(v), sign, trimmed)
			if n, err := strconv.ParseInt(digits, 8, 64); err == nil && strconv.FormatInt(n, 10) != trimmed {
				msg += fmt.Sprintf(" (or %s%d if you meant octal)", sign, n)
			}
			return msg
		}
		return fmt.Sprintf("%s is not a plain decimal integer: write %s%s (no '+' and no '_')", shown(v), sign, trimmed)
	}
	if f, ok := new(big.Float).SetString(plain); ok && !f.IsInf() {
		if f.IsInt() {
			if i, _ := f.Int64(); i > math.MinInt64 && i < math.MaxInt64 {
				return fmt.Sprintf("%s is written as a decimal fraction: write the integer %d", shown(v), i)
			}
		}
		return fmt.Sprintf("expected an integer, got %s", shown(v))
	}
	return fmt.Sprintf("expected an integer, got %s", shown(v))
}

func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
