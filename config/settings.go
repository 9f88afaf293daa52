package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// entry is the effective raw value of one variable and where it came from.
type entry struct {
	value  string
	source Source
	file   string
}

// settingsFile is what Load takes from one settings file: the string values
// of its "env" object and its otelHeadersHelper key, under the variable
// names of the table (the helper under headersHelperKey).
type settingsFile struct {
	path string
	vars map[string]string
}

// defaultManagedPath returns the platform's managed settings file.
func defaultManagedPath(goos string) string {
	switch goos {
	case "darwin":
		return "/Library/Application Support/ClaudeCode/managed-settings.json"
	case "windows":
		return `C:\Program Files\ClaudeCode\managed-settings.json`
	default:
		return "/etc/claude-code/managed-settings.json"
	}
}

// managedDropInDir is the directory of drop-ins next to the managed file.
const managedDropInDir = "managed-settings.d"

// readSettingsFile reads one settings file. A missing file gives ok=false
// and no problem; an unreadable or invalid one gives a problem naming it.
func readSettingsFile(path string, src Source, ps *problems) (settingsFile, bool) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return settingsFile{}, false
	}
	fileProblem := func(reason string) {
		ps.add(Problem{Source: src, File: path, Reason: reason, Allowed: `a JSON object with an "env" object of string values`})
	}
	if err != nil {
		fileProblem("cannot read: " + errorWithoutPath(err))
		return settingsFile{}, false
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		fileProblem("invalid JSON: " + err.Error())
		return settingsFile{}, false
	}
	sf := settingsFile{path: path, vars: map[string]string{}}
	if raw, ok := top[headersHelperKey]; ok {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			ps.add(Problem{Variable: headersHelperKey, Source: src, File: path, Reason: "not a string", Allowed: "a command line as a JSON string"})
		} else {
			sf.vars[headersHelperKey] = s
		}
	}
	rawEnv, ok := top["env"]
	if !ok || bytes.Equal(bytes.TrimSpace(rawEnv), []byte("null")) {
		return sf, true
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(rawEnv, &env); err != nil {
		ps.add(Problem{Variable: "env", Source: src, File: path, Reason: "not a JSON object", Allowed: "an object mapping variable names to strings"})
		return sf, true
	}
	for name, raw := range env {
		v, known := variableIndex[name]
		if !known || v.SettingsKey {
			continue // other programs' variables, or a settings key misplaced in env
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			ps.add(Problem{Variable: name, Source: src, File: path, Reason: "env value is not a JSON string", Allowed: `a string, e.g. "1"`})
			continue
		}
		sf.vars[name] = s
	}
	return sf, true
}

// errorWithoutPath drops the path from a *fs.PathError, which the problem
// names already.
func errorWithoutPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readManaged reads the managed settings file and its drop-ins, merged: a
// later drop-in (in alphabetical order) wins over an earlier one and over
// the main file. Drop-ins whose names start with "." are skipped.
func readManaged(path string, ps *problems) (vars map[string]string, files map[string]string, read []string) {
	vars, files = map[string]string{}, map[string]string{}
	paths := []string{path}
	dir := filepath.Join(filepath.Dir(path), managedDropInDir)
	if entries, err := os.ReadDir(dir); err == nil {
		var names []string
		for _, e := range entries {
			n := e.Name()
			if !e.IsDir() && strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			paths = append(paths, filepath.Join(dir, n))
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		ps.add(Problem{Source: SourceManaged, File: dir, Reason: "cannot read directory: " + errorWithoutPath(err)})
	}
	for _, p := range paths {
		sf, ok := readSettingsFile(p, SourceManaged, ps)
		if !ok {
			continue
		}
		read = append(read, p)
		for k, v := range sf.vars {
			vars[k] = v
			files[k] = p
		}
	}
	return vars, files, read
}

// layers is the outcome of merging every source: the effective raw value of
// each variable, the files read and the warnings.
type layers struct {
	vals     map[string]entry
	files    []string
	warnings []Warning
}

func (l *layers) warn(w Warning) { l.warnings = append(l.warnings, w) }

// notFromFile warns that a settings file set a variable no file may set.
func (l *layers) notFromFile(path, name string) {
	l.warn(Warning{Kind: WarningNotFromFile, Variable: name, Source: SourceSettings, File: path,
		Message: fmt.Sprintf("%s: %s cannot be set in a settings file; ignored", path, name)})
}

// merge applies the sources in Claude Code's order, weakest first: the
// environment, user settings files, project settings files, WithVariable,
// and managed settings with the destination lock.
func merge(lc loadConfig, ps *problems) *layers {
	l := &layers{vals: map[string]entry{}}
	for _, v := range Variables {
		if v.SettingsKey {
			continue
		}
		if s, ok := lc.getenv(v.Name); ok {
			l.vals[v.Name] = entry{value: s, source: SourceEnvironment}
		}
	}
	for _, path := range lc.userFiles {
		sf, ok := readSettingsFile(path, SourceSettings, ps)
		if !ok {
			continue
		}
		l.files = append(l.files, path)
		for _, name := range sortedKeys(sf.vars) {
			if variableIndex[name].Files == NoFile {
				l.notFromFile(path, name)
				continue
			}
			l.vals[name] = entry{value: sf.vars[name], source: SourceSettings, file: path}
		}
	}
	offValues := l.applyProject(lc.projectFiles, ps)
	for _, name := range lc.variableOrder {
		if _, known := variableIndex[name]; !known {
			ps.add(Problem{Variable: name, Value: Mask(name, lc.variables[name]), Source: SourceOption, Reason: "unknown variable", Allowed: "a variable of config.Variables"})
			continue
		}
		l.vals[name] = entry{value: lc.variables[name], source: SourceOption}
	}
	for _, name := range sortedKeys(offValues) {
		if cur, set := l.vals[name]; !set || cur.source == SourceSettings {
			l.vals[name] = offValues[name]
		}
	}
	if !lc.withoutManaged {
		path := lc.managedPath
		if !lc.managedPathSet {
			path = defaultManagedPath(runtime.GOOS)
		}
		vars, files, read := readManaged(path, ps)
		l.files = append(read, l.files...)
		l.applyManaged(vars, files)
	}
	return l
}

// applyProject applies project settings files. Variables that project files
// cannot set are dropped with a warning; the off values they may still set
// are returned, to be applied after WithVariable.
func (l *layers) applyProject(paths []string, ps *problems) map[string]entry {
	off := map[string]entry{}
	for _, path := range paths {
		sf, ok := readSettingsFile(path, SourceSettings, ps)
		if !ok {
			continue
		}
		l.files = append(l.files, path)
		for _, name := range sortedKeys(sf.vars) {
			e := entry{value: sf.vars[name], source: SourceSettings, file: path}
			switch variableIndex[name].Files {
			case AnyFile:
				l.vals[name] = e
			case OffOnlyFromProject:
				if isOffValue(name, e.value) {
					off[name] = e
					continue
				}
				fallthrough
			default:
				l.warn(Warning{Kind: WarningProject, Variable: name, Source: SourceSettings, File: path,
					Message: fmt.Sprintf("%s: %s cannot be set in a project settings file; ignored", path, name)})
			}
		}
	}
	return off
}

// isOffValue reports whether a project settings file may set value: "none"
// for an exporter selector, a non-truthy value for a content flag.
func isOffValue(name, value string) bool {
	value = strings.TrimSpace(value)
	if strings.HasSuffix(name, "_EXPORTER") {
		return strings.EqualFold(value, "none")
	}
	return value != "" && !truthy(value)
}

// credentialSuffixes are the OTLP credential variables of the destination lock.
var credentialSuffixes = []string{"HEADERS", "CLIENT_KEY", "CLIENT_CERTIFICATE"}

// contentCarriers maps each content flag to the other variables that would
// export the same content: raw API bodies carry prompts, responses, tool
// inputs and tool results whole; detailed beta tracing exports tool and
// hook definitions (the tool details); OTEL_LOG_ASSISTANT_RESPONSES follows
// OTEL_LOG_USER_PROMPTS when unset, so "prompts off" also covers it.
var contentCarriers = []struct {
	flag     string
	carriers []string
}{
	{"OTEL_LOG_USER_PROMPTS", []string{"OTEL_LOG_RAW_API_BODIES", "OTEL_LOG_ASSISTANT_RESPONSES"}},
	{"OTEL_LOG_ASSISTANT_RESPONSES", []string{"OTEL_LOG_RAW_API_BODIES"}},
	{"OTEL_LOG_TOOL_DETAILS", []string{"OTEL_LOG_RAW_API_BODIES", "ENABLE_BETA_TRACING_DETAILED"}},
	{"OTEL_LOG_TOOL_CONTENT", []string{"OTEL_LOG_RAW_API_BODIES"}},
}

// destinations lists the variables that choose where telemetry goes.
// Managed settings that set any of them (or a credential, or
// otelHeadersHelper) pin the destination: no other source may set any of
// them then.
func destinations() []string {
	var out []string
	for _, s := range append([]Signal{""}, allSignals...) {
		out = append(out, otlpVar(s, "ENDPOINT"))
	}
	return append(out, "BETA_TRACING_ENDPOINT", "ENABLE_BETA_TRACING_DETAILED",
		"OTEL_EXPORTER_PROMETHEUS_HOST", "OTEL_EXPORTER_PROMETHEUS_PORT")
}

// pathToDestination lists the variables that decide how telemetry reaches
// its destination and whom it trusts there: a developer's proxy and CA
// certificate together read everything sent to a managed collector, its
// credentials included, so a pinned destination pins them too.
func pathToDestination() []string {
	out := []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NODE_EXTRA_CA_CERTS"}
	for _, s := range append([]Signal{""}, allSignals...) {
		out = append(out, otlpVar(s, "CERTIFICATE"))
	}
	return out
}

// applyManaged applies the managed values over the developer's, after the
// managed lock has removed the developer values (from any other source)
// that would send telemetry, or managed credentials, elsewhere, or export
// content that managed settings turned off. It is Claude Code's destination
// lock (v2.1.217) made whole; the package documentation lists the rules.
func (l *layers) applyManaged(vars, files map[string]string) {
	managed := func(name string) bool { return strings.TrimSpace(vars[name]) != "" }
	remove := func(because, why, name string) {
		e, ok := l.vals[name]
		if !ok || managed(name) {
			return
		}
		delete(l.vals, name)
		l.warn(Warning{Kind: WarningLocked, Variable: name, Source: e.source, File: e.file, Because: because,
			Message: fmt.Sprintf("managed settings set %s%s: %s from %s ignored", because, why, name, describeSource(e))})
	}
	// Claude Code's rules.
	for _, suffix := range []string{"ENDPOINT", "PROTOCOL"} {
		if g := otlpVar("", suffix); managed(g) {
			for _, s := range allSignals {
				remove(g, "", otlpVar(s, suffix))
			}
		}
	}
	for _, suffix := range credentialSuffixes {
		if g := otlpVar("", suffix); managed(g) {
			for _, s := range allSignals {
				remove(g, "", otlpVar(s, suffix))
			}
		}
	}
	// The destination is pinned by any managed destination or credential:
	// then no developer value chooses where any signal goes, whichever
	// variable it uses.
	pin := ""
	for _, name := range destinations() {
		if pin == "" && managed(name) {
			pin = name
		}
	}
	for _, suffix := range credentialSuffixes {
		for _, s := range append([]Signal{""}, allSignals...) {
			if pin == "" && managed(otlpVar(s, suffix)) {
				pin = otlpVar(s, suffix)
			}
		}
	}
	if pin == "" && managed(headersHelperKey) {
		pin = headersHelperKey
	}
	if pin != "" {
		for _, name := range destinations() {
			remove(pin, " (the destination is managed)", name)
		}
		for _, name := range pathToDestination() {
			remove(pin, " (the way to the managed destination is managed too)", name)
		}
	}
	// A content flag turned off by managed settings cannot be bypassed by
	// another variable that exports the same content.
	for _, c := range contentCarriers {
		if v := strings.TrimSpace(vars[c.flag]); v != "" && !truthy(v) {
			for _, carrier := range c.carriers {
				remove(c.flag+"="+v, " (content the managed settings turned off)", carrier)
			}
		}
	}
	for _, name := range sortedKeys(vars) {
		if variableIndex[name].Files == NoFile {
			l.notFromFile(files[name], name)
			continue
		}
		l.vals[name] = entry{value: vars[name], source: SourceManaged, file: files[name]}
	}
}

func describeSource(e entry) string {
	if e.file != "" {
		return e.file
	}
	return string(e.source)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
