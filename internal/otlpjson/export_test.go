package otlpjson

// MarshalReflect is the protojson-based encoding the direct encoder must
// match byte for byte (once compacted), for the external tests.
var MarshalReflect = marshalReflect
