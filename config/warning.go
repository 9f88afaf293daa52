package config

// WarningKind says why Load produced a Warning.
type WarningKind string

// The warning kinds.
const (
	// WarningLocked: a value from the environment, a settings file or an
	// option was ignored because managed settings lock it (see the package
	// documentation, "The managed lock"). Because names the managed variable.
	WarningLocked WarningKind = "locked by managed settings"
	// WarningProject: a project settings file may not set the variable.
	WarningProject WarningKind = "not from a project settings file"
	// WarningNotFromFile: no settings file may set the variable.
	WarningNotFromFile WarningKind = "not from a settings file"
	// WarningInvalid: an ambient value (TRACEPARENT) was invalid and ignored.
	WarningInvalid WarningKind = "invalid, ignored"
	// WarningDisabled: a problem that would have been an error had
	// telemetry been on.
	WarningDisabled WarningKind = "problem while telemetry is off"
	// WarningUnknownVariable: a variable of the environment looks like one
	// of Variables but is not (a typo, a wrong case); Suggestion names it.
	WarningUnknownVariable WarningKind = "unknown variable"
	// WarningProcess: Load reads another environment than the process's
	// (WithEnviron, WithGetenv, the test kit), and the process environment
	// holds a value the OpenTelemetry Go SDK reads by itself and prints
	// about on stderr (see "The process environment" in the package
	// documentation). With the process environment as the source, the same
	// value is an error.
	WarningProcess WarningKind = "process value the OpenTelemetry SDK reads"
)

// Warning is something Load ignored, or suspects, without failing. It is an
// error so that telemetry.Start can hand it to the error handler, but it
// never stops Start. Its text never quotes a secret value.
type Warning struct {
	Kind WarningKind
	// Variable is the variable concerned, when one is.
	Variable string
	// Source and File tell where the ignored value came from.
	Source Source
	File   string
	// Because is, for WarningLocked, the managed variable that locks
	// Variable.
	Because string
	// Suggestion is, for WarningUnknownVariable, the variable probably meant.
	Suggestion string
	// Message is the whole warning on one line.
	Message string
}

// Error returns the message.
func (w Warning) Error() string { return "telemetry configuration: " + w.Message }

// String returns the message.
func (w Warning) String() string { return w.Message }
