package config

import (
	"fmt"
	"os"
)

// SourceOption marks a value set in code with [WithVariable].
const SourceOption Source = "option"

// Override applies edit, the effect of an option set in code that stands
// for variables (a telemetry.With... option), unless managed settings set
// one of those variables: then c is left as it is and a [Warning] of kind
// [WarningLocked] naming option is added to c.Warnings. It is how the
// package's precedence (see the package documentation) holds for options
// applied to a loaded Config: they win over settings files and the
// environment, never over managed settings. It reports whether edit was
// applied. A Config built by hand has no managed values.
func (c *Config) Override(option string, edit func(*Config), variables ...string) bool {
	if c == nil || edit == nil {
		return false
	}
	for _, v := range variables {
		if c.Provenance[v] == SourceManaged {
			c.Warnings = append(c.Warnings, Warning{Kind: WarningLocked, Variable: v, Source: SourceOption, Because: v,
				Message: fmt.Sprintf("managed settings set %s: %s ignored", v, option)})
			return false
		}
	}
	edit(c)
	if c.Provenance == nil {
		c.Provenance = map[string]Source{}
	}
	for _, v := range variables {
		c.Provenance[v] = SourceOption
		delete(c.ProvenanceFiles, v)
	}
	return true
}

// LoadOption configures Load.
type LoadOption interface {
	apply(loadConfig) loadConfig
}

type loadConfig struct {
	getenv func(string) (string, bool)
	// names lists the names of the environment, for the mistakes check;
	// nil when the environment cannot be listed (WithGetenv).
	names func() []string
	// process is true when getenv reads the process environment.
	process        bool
	userFiles      []string
	projectFiles   []string
	managedPath    string
	managedPathSet bool
	withoutManaged bool
	variables      map[string]string
	variableOrder  []string
}

func newLoadConfig(opts []LoadOption) loadConfig {
	c := loadConfig{getenv: os.LookupEnv, names: processEnvironNames, process: true}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	if c.getenv == nil {
		c.getenv, c.names, c.process = os.LookupEnv, processEnvironNames, true
	}
	return c
}

type optionFunc func(loadConfig) loadConfig

func (f optionFunc) apply(c loadConfig) loadConfig { return f(c) }

// WithGetenv sets the function Load reads environment variables with; it
// returns the value and whether the variable is set, like os.LookupEnv.
// Tests use it to avoid touching the process environment. A function cannot
// list the variables it knows, so Load looks for mistaken names (see
// [WarningUnknownVariable]) only with WithEnviron or the process
// environment.
//
// By default, Load uses os.LookupEnv.
func WithGetenv(getenv func(name string) (string, bool)) LoadOption {
	return optionFunc(func(c loadConfig) loadConfig {
		c.getenv, c.names, c.process = getenv, nil, false
		return c
	})
}

// WithEnviron makes Load read the environment from a list of "NAME=value"
// strings, as returned by os.Environ, instead of the process environment.
// A later entry for the same name wins.
//
// By default, Load uses os.LookupEnv.
func WithEnviron(environ []string) LoadOption {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				m[kv[:i]] = kv[i+1:]
				break
			}
		}
	}
	names := environNames(environ)
	return optionFunc(func(c loadConfig) loadConfig {
		c.getenv = func(name string) (string, bool) {
			v, ok := m[name]
			return v, ok
		}
		c.names = func() []string { return append([]string(nil), names...) }
		c.process = false
		return c
	})
}

// WithSettingsFiles names settings files of the host program, read like
// Claude Code's user settings (~/.claude/settings.json): their "env" object
// and "otelHeadersHelper" key may set every variable except
// CLAUDE_CODE_ACCOUNT_UUID. A later file wins over an earlier one, and a
// file's env value wins over the process environment. A missing file is
// skipped. Repeated calls add files.
//
// By default, no user settings file is read.
func WithSettingsFiles(paths ...string) LoadOption {
	return optionFunc(func(c loadConfig) loadConfig {
		c.userFiles = append(append([]string(nil), c.userFiles...), paths...)
		return c
	})
}

// WithProjectSettingsFiles names settings files that belong to a project or
// checkout (like .claude/settings.json and .claude/settings.local.json).
// They win over the files of WithSettingsFiles, except that, as in Claude
// Code, they cannot turn telemetry on, choose where it goes, or choose what
// content it captures: such variables are dropped with a warning, apart from
// off values ("none" for an exporter selector, a falsy content flag). A
// later file wins over an earlier one. Repeated calls add files.
//
// By default, no project settings file is read.
func WithProjectSettingsFiles(paths ...string) LoadOption {
	return optionFunc(func(c loadConfig) loadConfig {
		c.projectFiles = append(append([]string(nil), c.projectFiles...), paths...)
		return c
	})
}

// WithManagedSettingsPath sets the path of the managed settings file. The
// drop-in directory managed-settings.d next to it is read too.
//
// By default, Load reads the platform path:
// /etc/claude-code/managed-settings.json on Linux,
// /Library/Application Support/ClaudeCode/managed-settings.json on macOS and
// C:\Program Files\ClaudeCode\managed-settings.json on Windows.
func WithManagedSettingsPath(path string) LoadOption {
	return optionFunc(func(c loadConfig) loadConfig {
		c.managedPath = path
		c.managedPathSet = true
		c.withoutManaged = false
		return c
	})
}

// WithoutManagedSettings makes Load skip managed settings altogether.
//
// By default, Load reads the managed settings file of the platform (see
// WithManagedSettingsPath).
func WithoutManagedSettings() LoadOption {
	return optionFunc(func(c loadConfig) loadConfig {
		c.withoutManaged = true
		return c
	})
}

// WithVariable sets a variable (or the otelHeadersHelper settings key) from
// code. It wins over the environment and over every settings file, but not
// over managed settings, which cannot be overridden. An empty value unsets
// the variable, as in a settings file. An unknown name is a Problem.
//
// By default, variables come from managed settings, settings files and the
// environment only.
func WithVariable(name, value string) LoadOption {
	return optionFunc(func(c loadConfig) loadConfig {
		vars := make(map[string]string, len(c.variables)+1)
		for k, v := range c.variables {
			vars[k] = v
		}
		if _, ok := vars[name]; !ok {
			c.variableOrder = append(append([]string(nil), c.variableOrder...), name)
		}
		vars[name] = value
		c.variables = vars
		return c
	})
}
