package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The record (.mutation-record) keeps, per gated package, what its last
// passing gremlins run measured and the hash of everything that run
// depended on, so CI can skip packages whose inputs did not change:
//
//	DIR HASH EFFICACY COVERAGE DATE
//
// Only `gate` writes it, after a package passed its thresholds.

// recordLine is one package's line of the record.
type recordLine struct {
	dir, hash          string
	efficacy, coverage float64
	date               string
}

func (r recordLine) String() string {
	return fmt.Sprintf("%s %s %.1f %.1f %s", r.dir, r.hash, r.efficacy, r.coverage, r.date)
}

const recordHeader = "# Mutation testing record, written by scripts/mutate.sh (mutation-gate gate) after\n" +
	"# each package that passed its thresholds: DIR HASH EFFICACY% COVERAGE% DATE.\n" +
	"# HASH covers the package's files, the module code it builds on, go.mod/go.sum,\n" +
	"# .gremlins.yaml, its .gremlins-equivalent entries and its thresholds.\n" +
	"# MUTATE_MODE=incremental reruns a package whose hash differs. Do not edit by hand.\n"

func readRecord(path string) (map[string]recordLine, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]recordLine{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]recordLine{}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 5 {
			return nil, fmt.Errorf("%s:%d: want 'DIR HASH EFFICACY COVERAGE DATE'", path, n+1)
		}
		efficacy, err1 := strconv.ParseFloat(f[2], 64)
		coverage, err2 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s:%d: efficacy and coverage must be numbers", path, n+1)
		}
		out[f[0]] = recordLine{dir: f[0], hash: f[1], efficacy: efficacy, coverage: coverage, date: f[4]}
	}
	return out, nil
}

// writeRecord sets one package's line and keeps the others, sorted.
func writeRecord(path string, line recordLine) error {
	lines, err := readRecord(path)
	if err != nil {
		return err
	}
	lines[line.dir] = line
	dirs := make([]string, 0, len(lines))
	for dir := range lines {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	var b strings.Builder
	b.WriteString(recordHeader)
	for _, dir := range dirs {
		b.WriteString(lines[dir].String() + "\n")
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil { //nolint:gosec // a tracked file
		return err
	}
	return os.Rename(tmp, path)
}

// target is one line of scripts/mutate.sh's THRESHOLDS: "DIR EFFICACY COVERAGE".
type target struct {
	dir                string
	efficacy, coverage string
}

func parseTargets(args []string) ([]target, error) {
	var out []target
	for _, a := range args {
		f := strings.Fields(a)
		if len(f) != 3 {
			return nil, fmt.Errorf("threshold %q: want 'DIR EFFICACY COVERAGE'", a)
		}
		out = append(out, target{dir: f[0], efficacy: f[1], coverage: f[2]})
	}
	return out, nil
}

// decision is what an incremental run does with one package, and why.
type decision struct {
	dir, hash, reason string
	run               bool
}

// selectPackages decides which packages an incremental run measures: each
// whose hash differs from its record line, plus one unchanged package chosen
// by rotation (seed modulo the number of packages, so over that many
// consecutive seeds every package runs). A package without a record line
// runs too: its thresholds were never shown to hold.
func selectPackages(targets []target, hashes map[string]string, record map[string]recordLine, seed int) []decision {
	var out []decision
	for _, t := range targets {
		d := decision{dir: t.dir, hash: hashes[t.dir]}
		line, ok := record[t.dir]
		switch {
		case !ok:
			d.run, d.reason = true, "no recorded run yet"
		case line.hash != d.hash:
			d.run, d.reason = true, "changed since the recorded run of "+line.date
		default:
			d.reason = "unchanged since the recorded run of " + line.date
		}
		out = append(out, d)
	}
	if len(out) > 0 {
		rotated := &out[((seed%len(out))+len(out))%len(out)]
		if !rotated.run {
			rotated.run, rotated.reason = true, "unchanged, rerun by rotation ("+rotated.reason+")"
		}
	}
	return out
}

// hashPackage hashes what a package's mutation results depend on: every
// file in its directory (tests and testdata included), the non-test Go
// files of the module's packages it or its tests import, go.mod, go.sum,
// .gremlins.yaml, its equivalent entries and its thresholds.
func hashPackage(root string, t target, equivalents []*equivalent) (string, error) {
	files, err := packageFiles(root, t.dir)
	if err != nil {
		return "", err
	}
	deps, err := moduleDeps(root, t.dir)
	if err != nil {
		return "", err
	}
	for _, dep := range deps {
		if dep == t.dir {
			continue
		}
		goFiles, _ := filepath.Glob(filepath.Join(root, dep, "*.go"))
		for _, f := range goFiles {
			if !strings.HasSuffix(f, "_test.go") {
				files = append(files, filepath.ToSlash(strings.TrimPrefix(f, root+string(filepath.Separator))))
			}
		}
	}
	files = append(files, "go.mod", "go.sum", ".gremlins.yaml")
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "file %s %d\n", f, len(data))
		h.Write(data)
	}
	for _, e := range equivalents {
		if filepath.Dir(e.file) == t.dir {
			fmt.Fprintf(h, "equivalent %s|%s|%s\n", e.file, e.mutator, e.snippet)
		}
	}
	fmt.Fprintf(h, "thresholds %s %s\n", t.efficacy, t.coverage)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32], nil
}

// packageFiles lists the files of dir and of its testdata, relative to root.
func packageFiles(root, dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, dir))
	if err != nil {
		return nil, fmt.Errorf("gated package %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			out = append(out, dir+"/"+e.Name())
		}
	}
	err = filepath.WalkDir(filepath.Join(root, dir, "testdata"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}

// moduleDeps lists, relative to root, the directories of the module's
// packages that dir and its tests import, directly or not.
func moduleDeps(root, dir string) ([]string, error) {
	cmd := exec.Command("go", "list", "-deps", "-test", "-f", "{{if .Module}}{{if .Module.Main}}{{.Dir}}{{end}}{{end}}", "./"+dir)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list ./%s: %w", dir, err)
	}
	seen := map[string]bool{}
	var deps []string
	for _, line := range strings.Split(string(out), "\n") {
		rel, err := filepath.Rel(root, strings.TrimSpace(line))
		if line == "" || err != nil || seen[rel] {
			continue
		}
		seen[rel] = true
		deps = append(deps, filepath.ToSlash(rel))
	}
	sort.Strings(deps)
	return deps, nil
}

// plan prints, for each package, "run DIR HASH REASON" or "skip DIR HASH
// REASON". Modes: full runs every package; incremental selects them with
// selectPackages.
func plan(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("plan", flag.ContinueOnError)
	mode := flags.String("mode", "full", "full or incremental")
	recordFile := flags.String("record", ".mutation-record", "record file")
	equivalentsFile := flags.String("equivalent", ".gremlins-equivalent", "equivalent mutants file")
	seed := flags.Int("seed", int(time.Now().Unix()/86400), "rotation seed (default: days since 1970, UTC)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	targets, err := parseTargets(flags.Args())
	if err != nil {
		return err
	}
	_, root, err := findModule()
	if err != nil {
		return err
	}
	equivalents, err := readEquivalents(*equivalentsFile)
	if err != nil {
		return err
	}
	hashes := map[string]string{}
	for _, t := range targets {
		if hashes[t.dir], err = hashPackage(root, t, equivalents); err != nil {
			return err
		}
	}
	var decisions []decision
	switch *mode {
	case "full":
		for _, t := range targets {
			decisions = append(decisions, decision{dir: t.dir, hash: hashes[t.dir], run: true, reason: "full run"})
		}
	case "incremental":
		record, err := readRecord(*recordFile)
		if err != nil {
			return err
		}
		decisions = selectPackages(targets, hashes, record, *seed)
	default:
		return fmt.Errorf("mode %q: want full or incremental", *mode)
	}
	w := bufio.NewWriter(stdout)
	for _, d := range decisions {
		verb := "skip"
		if d.run {
			verb = "run"
		}
		fmt.Fprintf(w, "%s %s %s %s\n", verb, d.dir, d.hash, d.reason)
	}
	return w.Flush()
}
