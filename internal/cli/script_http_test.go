package cli

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands that read a started program's HTTP endpoints (see serve).

// cmdHTTPGet prints the status code and body of GET URL; it fails unless the status is
// 2xx (with !, unless it is not):
//
//	http-get URL
func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: http-get URL")
	}
	code, body, err := httpGet(args[0])
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "%d\n%s", code, body)
	if ok := code/100 == 2; ok == neg {
		ts.Fatalf("http-get %s: status %d", args[0], code)
	}
}

// httpGet returns the status code and body of GET url.
func httpGet(url string) (int, string, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// cmdMetrics reads URL/metrics, parses it as the Prometheus text format (failing if it
// is not) and prints one sample per line, sorted: `name{label="value",...} value`
// (histograms as their _count and _sum). With -within D and patterns it reads again
// until every pattern (a regular expression, matched against each line) matches a line,
// and fails after D:
//
//	metrics [-within D] URL [PATTERN...]
func cmdMetrics(ts *testscript.TestScript, neg bool, args []string) {
	var within time.Duration
	if len(args) >= 2 && args[0] == "-within" {
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		within, args = d, args[2:]
	}
	if neg || len(args) < 1 {
		ts.Fatalf("usage: metrics [-within D] URL [PATTERN...]")
	}
	var patterns []*regexp.Regexp
	for _, p := range args[1:] {
		re, err := regexp.Compile("(?m)^" + p + "$")
		ts.Check(err)
		patterns = append(patterns, re)
	}
	deadline := time.Now().Add(within)
	for {
		text, err := scrape(args[0] + "/metrics")
		ts.Check(err)
		missing := slices.IndexFunc(patterns, func(re *regexp.Regexp) bool { return !re.MatchString(text) })
		if missing < 0 {
			fmt.Fprint(ts.Stdout(), text)
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("metrics: no line matches %q within %s; last read:\n%s", args[1+missing], within, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// scrape reads a /metrics page and writes its samples one per line, sorted.
func scrape(url string) (string, error) {
	code, body, err := httpGet(url)
	if err != nil {
		return "", err
	}
	if code != http.StatusOK {
		return "", fmt.Errorf("GET %s: status %d", url, code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("GET %s: not Prometheus text: %w", url, err)
	}
	var lines []string
	for name, mf := range fams {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			sel := name
			if len(labels) > 0 {
				sel += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.Gauge != nil:
				lines = append(lines, fmt.Sprintf("%s %g", sel, m.Gauge.GetValue()))
			case m.Counter != nil:
				lines = append(lines, fmt.Sprintf("%s %g", sel, m.Counter.GetValue()))
			case m.Histogram != nil:
				count, sum := strings.Replace(sel, name, name+"_count", 1), strings.Replace(sel, name, name+"_sum", 1)
				lines = append(lines, fmt.Sprintf("%s %d", count, m.Histogram.GetSampleCount()), fmt.Sprintf("%s %g", sum, m.Histogram.GetSampleSum()))
			case m.Untyped != nil:
				lines = append(lines, fmt.Sprintf("%s %g", sel, m.Untyped.GetValue()))
			case m.Summary != nil:
				lines = append(lines, fmt.Sprintf("%s %d", strings.Replace(sel, name, name+"_count", 1), m.Summary.GetSampleCount()))
			default:
				return "", errors.New("unknown metric type of " + name)
			}
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n", nil
}
