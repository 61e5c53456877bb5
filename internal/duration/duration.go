// Package duration is the one parser of the durations imcsync reads from its flags and
// files: Go's syntax (90m, 1h30m, 2.5s) plus days (30d, 1d12h, 1.5d).
package duration

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Day is the length of the unit d.
const Day = 24 * time.Hour

// Example is what an error about a duration shows the user.
const Example = "a duration such as 30d, 1d12h, 36h, 90m or 45s"

// units are the suffixes Parse reads, longest first where one is a prefix of another.
var units = []struct {
	name string
	size time.Duration
}{
	{"ns", time.Nanosecond}, {"us", time.Microsecond}, {"µs", time.Microsecond},
	{"μs", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second},
	{"m", time.Minute}, {"h", time.Hour}, {"d", Day},
}

// Parse reads a duration: an optional sign, then one or more numbers each followed by a
// unit (d, h, m, s, ms, us, ns), as time.ParseDuration does with d added; "0" alone is
// zero. It refuses a value beyond time.Duration's range.
func Parse(s string) (time.Duration, error) {
	in := s
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("%q: want %s", in, Example)
	}
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return bad()
	}
	var total float64
	for s != "" {
		i := 0
		for i < len(s) && (s[i] == '.' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		if i == 0 {
			return bad()
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return bad()
		}
		s = s[i:]
		size := time.Duration(0)
		for _, u := range units {
			if strings.HasPrefix(s, u.name) && (u.name != "m" || !strings.HasPrefix(s, "ms")) {
				size, s = u.size, s[len(u.name):]
				break
			}
		}
		if size == 0 {
			return bad()
		}
		total += n * float64(size)
	}
	if total > math.MaxInt64 {
		return 0, fmt.Errorf("%q: longer than imcsync can count (about 106751d)", in)
	}
	d := time.Duration(math.Round(total))
	if neg {
		d = -d
	}
	return d, nil
}

// Format writes d as Parse reads it: whole days as "30d", anything else as
// time.Duration.String does ("36h0m0s").
func Format(d time.Duration) string {
	if d != 0 && d%Day == 0 {
		return strconv.FormatInt(int64(d/Day), 10) + "d"
	}
	return d.String()
}

// Value is a flag (pflag.Value) holding a duration read by Parse.
type Value struct{ p *time.Duration }

// NewValue makes the flag value that writes into p, starting at def.
func NewValue(p *time.Duration, def time.Duration) *Value {
	*p = def
	return &Value{p}
}

// String writes the value with Format; zero is "0", which help leaves out as a default.
func (v *Value) String() string {
	if v == nil || v.p == nil || *v.p == 0 {
		return "0"
	}
	return Format(*v.p)
}

// Set reads s with Parse.
func (v *Value) Set(s string) error {
	d, err := Parse(s)
	if err != nil {
		return err
	}
	*v.p = d
	return nil
}

// Type names the value's kind in help.
func (v *Value) Type() string { return "duration" }
