package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/shlex"
)

// notRun marks a shell block that cannot run offline, with the reason:
// <!-- not-run: REASON --> on the line before the block's fence.
var notRun = regexp.MustCompile(`^<!-- not-run: (\S.*\S) -->$`)

// shellBlock is one fenced shell block of a page.
type shellBlock struct {
	where string // page:line
	lines []string
}

// TestDocsShellExamples: every imcsync command of the shell blocks of README.md and
// docs/*.md, and of the commands' Example help, names a command with flags it has and
// arguments it takes; a command that exits 2 on changes (plan, drift) is never chained
// with &&; and every block runs offline: each imcsync command in it is run, in order,
// in a directory holding the examples (imagecaches.yaml, state.yaml, policy.yaml and
// examples/), and must exit 0 or 2. A block that needs the cloud, a server or a build
// says why on the line before it: <!-- not-run: REASON -->, and is only checked.
func TestDocsShellExamples(t *testing.T) {
	repo := filepath.Join("..", "..")
	pages, err := filepath.Glob(filepath.Join(repo, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, filepath.Join(repo, "README.md"))
	var toRun, checked []shellBlock
	for _, page := range pages {
		text, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		run, check := shellBlocks(rel(repo, page), string(text))
		toRun, checked = append(toRun, run...), append(checked, check...)
	}
	// The commands' examples: checked, and run when they work against the emulator.
	for _, cmd := range (&app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: os.Getenv}).rootCommand().Commands() {
		b := shellBlock{where: "imcsync " + cmd.Name() + " --help", lines: strings.Split(cmd.Example, "\n")}
		if offline(b) {
			toRun = append(toRun, b)
		} else {
			checked = append(checked, b)
		}
	}
	if len(toRun) < 5 {
		t.Fatalf("only %d runnable blocks found", len(toRun))
	}
	for _, b := range append(slices.Clone(toRun), checked...) {
		for _, c := range blockCommands(t, b) {
			checkCommandLine(t, b.where, c)
		}
	}
	examples, err := filepath.Abs(filepath.Join(repo, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range toRun {
		t.Run(b.where, func(t *testing.T) {
			if !offline(b) {
				t.Fatalf("%s: this block needs the API or runs a server: make it work against the emulator (--sim), or say why not on the line before it: <!-- not-run: REASON -->", b.where)
			}
			dir := t.TempDir()
			for dst, src := range map[string]string{"imagecaches.yaml": "imagecaches.yaml", "state.yaml": "live-state.yaml", "policy.yaml": "policy.yaml"} {
				data, err := os.ReadFile(filepath.Join(examples, src))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, dst), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// Copies, not links: a workloads entry of a file reads manifests inside the
			// file's repository only (here, the folder), links followed.
			for dst, src := range map[string]string{"examples": examples, "k8s": filepath.Join(examples, "k8s"),
				"testdata/coverage": filepath.Join(repo, "testdata", "coverage")} {
				if err := os.CopyFS(filepath.Join(dir, dst), os.DirFS(src)); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			env := map[string]string{"HOME": dir, "NO_COLOR": "1", "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}
			// A saved plan, for the examples of show and apply PLANFILE.
			if code := Run([]string{"plan", "--sim", "state.yaml", "--out", "plan.json"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(k string) string { return env[k] }); code != 2 {
				t.Fatalf("saving plan.json: exit %d", code)
			}
			for _, c := range blockCommands(t, b) {
				var out, errOut bytes.Buffer
				if code := Run(c.args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] }); code != 0 && code != 2 {
					t.Errorf("imcsync %s: exit %d\n%s%s", strings.Join(c.args, " "), code, out.String(), errOut.String())
				}
			}
		})
	}
}

// shellBlocks returns the shell blocks (sh, bash, shell, console) of a page: those to
// run, and those marked not-run (checked only). A block neither runnable offline nor
// marked is returned to run, so that it fails and says so.
func shellBlocks(page, text string) (run, check []shellBlock) {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok || lang == "" {
			continue
		}
		start := i
		j := i + 1
		for j < len(lines) && !strings.HasPrefix(lines[j], "```") {
			j++
		}
		i = j
		if !slices.Contains([]string{"sh", "bash", "shell", "console"}, lang) {
			continue
		}
		b := shellBlock{where: page + ":" + strconv.Itoa(start+1), lines: lines[start+1 : min(j, len(lines))]}
		prev := ""
		for k := start - 1; k >= 0 && prev == ""; k-- {
			prev = strings.TrimSpace(lines[k])
		}
		if notRun.MatchString(prev) {
			check = append(check, b)
		} else {
			run = append(run, b)
		}
	}
	return run, check
}

// offline reports whether every imcsync command of b works against the emulator or
// without the API: --sim or --live, or a command that calls no API.
func offline(b shellBlock) bool {
	for _, line := range joinContinued(b.lines) {
		for _, part := range splitCommands(line) {
			args, ok := imcsyncArgs(part.text)
			if !ok {
				continue
			}
			if len(args) > 0 && (args[0] == "sim" || args[0] == "reconcile" && !slices.Contains(args, "--once")) {
				return false // a server or a loop: it does not end
			}
			if !slices.ContainsFunc(args, func(a string) bool { return a == "--sim" || a == "--live" || strings.HasPrefix(a, "--sim=") }) &&
				(len(args) == 0 || !slices.Contains([]string{"validate", "schema", "version", "show", "--help", "help"}, args[0])) {
				return false
			}
		}
	}
	return true
}

// commandLine is one imcsync command of a block, and what follows it.
type commandLine struct {
	args    []string
	chained string // "&&", "||", ";", "|", "&" or "" at the end of the line
	where   string
}

// blockCommands returns the imcsync commands of block b.
func blockCommands(t *testing.T, b shellBlock) []commandLine {
	t.Helper()
	var out []commandLine
	for _, line := range joinContinued(b.lines) {
		for _, part := range splitCommands(line) {
			if args, ok := imcsyncArgs(part.text); ok {
				out = append(out, commandLine{args: args, chained: part.sep, where: b.where})
			}
		}
	}
	return out
}

// checkCommandLine checks that c names a command, with flags it has and arguments it
// takes, and that a command exiting 2 on changes is not followed by &&.
func checkCommandLine(t *testing.T, where string, c commandLine) {
	t.Helper()
	root := (&app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: os.Getenv}).rootCommand()
	cmd, rest, err := root.Find(c.args)
	if err != nil {
		t.Errorf("%s: imcsync %s: %v", where, strings.Join(c.args, " "), err)
		return
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Errorf("%s: imcsync %s: %v", where, strings.Join(c.args, " "), err)
		return
	}
	if cmd.Args != nil && !slices.Contains(rest, "--help") {
		if err := cmd.Args(cmd, cmd.Flags().Args()); err != nil {
			t.Errorf("%s: imcsync %s: %v", where, strings.Join(c.args, " "), err)
		}
	}
	if (cmd.Name() == "plan" || cmd.Name() == "drift") && c.chained == "&&" {
		t.Errorf("%s: imcsync %s && …: %s exits 2 when it finds changes, so what follows && never runs then; run the two one after the other",
			where, strings.Join(c.args, " "), cmd.Name())
	}
}

// joinContinued joins lines ending in a backslash with the next, and drops the
// prompt "$ " of console blocks.
func joinContinued(lines []string) []string {
	var out []string
	cur := ""
	for _, l := range lines {
		l = strings.TrimPrefix(l, "$ ")
		if s, ok := strings.CutSuffix(strings.TrimRight(l, " "), "\\"); ok {
			cur += s + " "
			continue
		}
		out = append(out, cur+l)
		cur = ""
	}
	return out
}

// part is one command of a shell line and the operator after it.
type part struct{ text, sep string }

var shellSep = regexp.MustCompile(`&&|\|\||;|\||&`)

// splitCommands cuts a line at its operators, after dropping a trailing # comment.
// Quoted operators are rare in the docs' imcsync lines; quoted text stays whole.
func splitCommands(line string) []part {
	if i := strings.Index(line, " #"); i >= 0 && !strings.Contains(line[:i], "'") {
		line = line[:i]
	}
	if strings.HasPrefix(strings.TrimSpace(line), "#") {
		return nil
	}
	var out []part
	inQuote := false
	last := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '\'' || line[i] == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		if m := shellSep.FindString(line[i:]); m != "" && strings.HasPrefix(line[i:], m) {
			out = append(out, part{text: line[last:i], sep: m})
			i += len(m) - 1
			last = i + 1
		}
	}
	return append(out, part{text: line[last:]})
}

// imcsyncArgs returns the arguments of an imcsync command (imcsync, ./imcsync or
// go run .), after VAR=value assignments and before a redirection; ok is false for
// any other command.
func imcsyncArgs(text string) ([]string, bool) {
	words, err := shlex.Split(text)
	if err != nil || len(words) == 0 {
		return nil, false
	}
	for len(words) > 0 && regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`).MatchString(words[0]) {
		words = words[1:]
	}
	switch {
	case len(words) > 0 && (words[0] == "imcsync" || words[0] == "./imcsync"):
		words = words[1:]
	case len(words) > 2 && words[0] == "go" && words[1] == "run" && words[2] == ".":
		words = words[3:]
	default:
		return nil, false
	}
	for i, w := range words {
		if strings.HasPrefix(w, ">") || strings.HasPrefix(w, "<") || w == "2>&1" {
			return words[:i], true
		}
	}
	return words, true
}
