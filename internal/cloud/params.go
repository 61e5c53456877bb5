package cloud

// Params are the cache fields one CreateImageCache or UpdateImageCache call sends, by
// API parameter name ("ImageCacheSize"), in the Go types of the API's values: string,
// int32, bool, []string (Image), []Tag (Tag), []RegistryCredential
// (ImageRegistryCredential) and []AcrRegistryInfo (AcrRegistryInfo). spec's field table
// makes them (spec.Field.Wire); a parameter left out is not sent.
type Params map[string]any

// Tag is one user tag of a cache.
type Tag struct {
	Key   string
	Value string // may be empty; it is still sent
}

// RegistryCredential logs in to a private image registry. A plan names the environment
// variable that holds the password (PasswordFromEnv); Password is the resolved secret,
// filled in just before the call: it is sent to the API and never appears in an error.
type RegistryCredential struct {
	Server          string // without http:// or https://
	UserName        string
	PasswordFromEnv string `json:",omitempty"`
	Password        string `json:"-"`
}

// AcrRegistryInfo names a Container Registry Enterprise Edition instance. Empty strings
// are not sent.
type AcrRegistryInfo struct {
	InstanceID   string // required by the API
	InstanceName string
	RegionID     string
	Domains      []string
	// ArnService and ArnUser exist on CreateImageCache only; Update refuses them.
	ArnService string
	ArnUser    string
}
