package apicheck

import "testing"

// TestNoInternalTypes fails on any exported function, method, type, field
// or variable of a public package whose declaration mentions a type of an
// internal package: no user outside the module can build or name such a
// type, so such an identifier is either unusable or a leak of the
// implementation.
func TestNoInternalTypes(t *testing.T) {
	for _, p := range public(t) {
		for _, d := range p.Exported() {
			for _, typ := range InternalTypes(d) {
				t.Errorf("%s: exported %s %s mentions the internal type %s", p.Path, d.Kind, d.Name, typ)
			}
		}
	}
}

// TestInternalTypesFinds checks the walk on declarations that do mention
// internal types, so TestNoInternalTypes cannot pass by finding nothing.
func TestInternalTypesFinds(t *testing.T) {
	pkgs, err := Public("testdata/leaky")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 {
		t.Fatalf("parsed %d packages of testdata/leaky, want 1", len(pkgs))
	}
	got := map[string]bool{}
	for _, d := range pkgs[0].Exported() {
		if len(InternalTypes(d)) > 0 {
			got[d.Name] = true
		}
	}
	for _, want := range []string{"New", "Emitter.Use", "Alias", "Holder.State", "Holder.State2", "Default", "Getter.Get"} {
		if !got[want] {
			t.Errorf("%s mentions an internal type but was not found", want)
		}
	}
	for _, clean := range []string{"Clean", "Holder", "Emitter.Ok", "Getter"} {
		if got[clean] {
			t.Errorf("%s mentions no internal type but was reported", clean)
		}
	}
}
