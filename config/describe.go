package config

// Setting is one line of Describe: a variable, its effective value (masked
// when secret) and where the value came from.
type Setting struct {
	Variable string
	// Value is the raw value, Masked for a secret, or the table default
	// when the variable is unset.
	Value string
	// Source is where Value came from; File names the settings file.
	Source Source
	File   string
	// Doc is the variable's line of the table.
	Doc string
}

// Describe lists every variable of Variables, in table order, with its
// effective value and source, secrets masked. It is meant for printing
// ("telemetry doctor"); it never shows a secret value.
func (c Config) Describe() []Setting {
	out := make([]Setting, 0, len(Variables))
	for _, v := range Variables {
		s := Setting{Variable: v.Name, Value: v.Default, Source: SourceDefault, Doc: v.Doc}
		if raw, ok := c.Values[v.Name]; ok {
			s.Value = Mask(v.Name, raw)
			s.Source = c.Provenance[v.Name]
			s.File = c.ProvenanceFiles[v.Name]
		}
		out = append(out, s)
	}
	return out
}
