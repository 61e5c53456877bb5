package spec

// The JSON Schema of values, for the table's Schema column. The schema package generates
// imagecaches.schema.json from the table; "#/$defs/…" names its shared definitions.

// imagePattern is the JSON Schema pattern of a versioned image reference (checkImage).
const imagePattern = `^[^\s@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64}|@sha512:[a-f0-9]{128})$`

// vSwitchesPattern is the JSON Schema pattern of checkVSwitches: up to 10 vSwitch ids.
const vSwitchesPattern = `^vsw-[A-Za-z0-9]+(,vsw-[A-Za-z0-9]+){0,9}$`

// ref is the schema of a value that the definition name describes.
func ref(name string) map[string]any { return map[string]any{"$ref": "#/$defs/" + name} }

// pattern is the schema of a string matching the regular expression re.
func pattern(re string) map[string]any { return map[string]any{"type": "string", "pattern": re} }

// idSchema is the schema of a resource id that resourceID(prefix, …) checks.
func idSchema(prefix string) map[string]any { return pattern(idPattern(prefix)) }

// nonEmptySchema is the schema of a string that checkNonEmpty checks.
func nonEmptySchema() map[string]any {
	return map[string]any{"type": "string", "minLength": 1, "maxLength": maxStringLength}
}

// tagsSchema is the schema of a tag set beyond its size: checkTagKey and checkTagValue.
func tagsSchema() map[string]any {
	return map[string]any{
		"type":          "object",
		"propertyNames": ref("tagKey"),
		"additionalProperties": map[string]any{
			"type":      "string",
			"maxLength": MaxTagLength,
			"not":       map[string]any{"pattern": "[hH][tT][tT][pP][sS]?://"},
		},
	}
}

// ignoreChangesSchema is the schema of ignoreChanges beyond its size: the ignorable
// fields, or tags.<key>.
func ignoreChangesSchema() map[string]any {
	names := []any{}
	for _, k := range ignorable() {
		names = append(names, k)
	}
	return map[string]any{
		"type":        "array",
		"uniqueItems": true,
		"items": map[string]any{"anyOf": []any{
			map[string]any{"enum": names},
			pattern(`^tags\..+$`),
		}},
	}
}
