package spec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// head is the start of every rule case; the case's cache entry starts on line 4.
const head = "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n"

// TestRules checks one rule per case: a valid input loads, an invalid one gives exactly
// one error at the expected position and path.
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		yaml string // appended to head unless it starts with "apiVersion" or is empty
		want string // "LINE:COL PATH: message substring", or "" for valid
	}{
		// valid
		{"minimal", "  - name: a1\n    images: [nginx:1.25]\n", ""},
		{"digest image", "  - name: a1\n    images: [\"nginx@sha256:" + strings.Repeat("ab", 32) + "\"]\n", ""},
		{"tag and digest", "  - name: a1\n    images: [\"r.example.com:5000/a/b:1@sha256:" + strings.Repeat("0", 64) + "\"]\n", ""},
		{"empty elimination", "  - name: a1\n    images: [a:1]\n    eliminationStrategy: \"\"\n", ""},
		{"copy counts zero", "  - name: a1\n    images: [a:1]\n    standardCopyCount: 0\n    flashCopyCount: 0\n", ""},
		{"empty tag value", "  - name: a1\n    images: [a:1]\n    tags: {team: \"\"}\n", ""},
		{"twenty tags", "  - name: a1\n    images: [a:1]\n    tags: {" + tags(20) + "}\n", ""},
		{"ignore tag key", "  - name: a1\n    images: [a:1]\n    ignoreChanges: [size, tags.team, securityGroupId]\n", ""},
		{"ten vswitches", "  - name: a1\n    images: [a:1]\n    vSwitchId: " + strings.TrimSuffix(strings.Repeat("vsw-a,", 10), ",") + "\n", ""},
		{"empty cache list", "apiVersion: imcsync/v1\nimageCaches: []\n", ""},
		{"region from cache only", "apiVersion: imcsync/v1\nimageCaches:\n  - {name: a1, region: cn-beijing, images: [a:1]}\n", ""},
		{"alias", "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: a1, images: &imgs [a:1]}\n  - {name: a2, images: *imgs}\n", ""},

		// the file
		{"empty file", "", "1:1 : the file is empty"},
		{"comments only", "# nothing\n", "1:1 : the file is empty"},
		{"top level list", "- a\n", "1:1 : the top level must be a mapping"},
		{"syntax error", "apiVersion: imcsync/v1\nimageCaches: [\n", "2:1 : invalid YAML"},
		{"second document", "apiVersion: imcsync/v1\nimageCaches: []\n---\nx: 1\n", "3:1 : a second YAML document"},
		{"missing apiVersion", "imageCaches: []\n", "1:1 : missing apiVersion: write apiVersion: imcsync/v1"},
		{"wrong apiVersion", "apiVersion: v1\nimageCaches: []\n", `1:13 apiVersion: unsupported apiVersion "v1": write apiVersion: imcsync/v1`},
		{"missing imageCaches", "apiVersion: imcsync/v1\n", "1:1 : missing imageCaches"},
		{"imageCaches not a list", "apiVersion: imcsync/v1\nimageCaches: {}\n", "2:14 imageCaches: expected a list, got a mapping"},
		{"unknown top key", "apiVersion: imcsync/v1\nimageCache: []\nimageCaches: []\n", "2:1 imageCache: unknown key, did you mean imageCaches?"},
		{"duplicate top key", "apiVersion: imcsync/v1\nimageCaches: []\nimageCaches: []\n", "3:1 imageCaches: duplicate key (first at line 2)"},
		{"merge key", "  - {name: a1, images: [a:1], <<: {size: 1}}\n", "4:31 imageCaches[0]: merge keys (<<) are not supported"},
		{"bad owner", "apiVersion: imcsync/v1\nowner: -x\nimageCaches: []\n", `2:8 owner: invalid name "-x"`},
		{"bad file region", "apiVersion: imcsync/v1\nregion: Hangzhou\nimageCaches: []\n", `2:9 region: invalid region "Hangzhou"`},

		// a cache
		{"cache not a mapping", "  - web\n", "4:5 imageCaches[0]: expected a mapping, got a string"},
		{"missing name", "  - images: [a:1]\n", "4:5 imageCaches[0]: missing name"},
		{"missing images", "  - name: a1\n", "4:5 imageCaches[0]: missing images"},
		{"missing region", "apiVersion: imcsync/v1\nimageCaches:\n  - {name: a1, images: [a:1]}\n", "3:5 imageCaches[0]: missing region"},
		{"unknown cache key", "  - name: a1\n    images: [a:1]\n    retentionDay: 3\n", "6:5 imageCaches[0].retentionDay: unknown key, did you mean retentionDays?"},
		{"API parameter as key", "  - name: a1\n    images: [a:1]\n    ImageCacheSize: 3\n", "6:5 imageCaches[0].ImageCacheSize: unknown key, did you mean size?"},
		{"unknown key far from all", "  - name: a1\n    images: [a:1]\n    colour: blue\n", "6:5 imageCaches[0].colour: unknown key"},
		{"duplicate cache key", "  - name: a1\n    images: [a:1]\n    name: a2\n", "6:5 imageCaches[0].name: duplicate key (first at line 4)"},
		{"bad name", "  - name: a b\n    images: [a:1]\n", `4:11 imageCaches[0].name: invalid name "a b"`},
		{"one-letter name", "  - name: a\n    images: [a:1]\n", `4:11 imageCaches[0].name: invalid name "a"`},
		{"name a number", "  - name: 42\n    images: [a:1]\n", `4:11 imageCaches[0].name: expected a string, got a number (quote it: "42")`},
		{"bad id", "  - name: a1\n    id: cache-1\n    images: [a:1]\n", `5:9 imageCaches[0].id: invalid image cache id "cache-1"`},
		{"bad cache region", "  - name: a1\n    region: cn_hangzhou\n    images: [a:1]\n", `5:13 imageCaches[0].region: invalid region "cn_hangzhou"`},
		{"duplicate region and name", "  - {name: a1, images: [a:1]}\n  - {name: a1, images: [b:1]}\n", "5:12 imageCaches[1].name: duplicate image cache cn-hangzhou/a1 (first at imageCaches[0], line 4)"},
		{"same name in two regions", "  - {name: a1, images: [a:1]}\n  - {name: a1, region: cn-beijing, images: [b:1]}\n", ""},
		{"duplicate id", "  - {name: a1, id: imc-x1, images: [a:1]}\n  - {name: a2, id: imc-x1, images: [b:1]}\n", "5:20 imageCaches[1].id: id imc-x1 is already pinned by imageCaches[0] (line 4)"},

		// images
		{"images not a list", "  - name: a1\n    images: a:1\n", "5:13 imageCaches[0].images: expected a list, got a string"},
		{"no images", "  - name: a1\n    images: []\n", "5:13 imageCaches[0].images: at least one image is required"},
		{"untagged image", "  - name: a1\n    images: [nginx]\n", `5:14 imageCaches[0].images[0]: invalid image "nginx": no tag or digest`},
		{"untagged image with port", "  - name: a1\n    images: [\"r.example.com:5000/nginx\"]\n", `5:14 imageCaches[0].images[0]: invalid image "r.example.com:5000/nginx": no tag or digest`},
		{"upper-case repository", "  - name: a1\n    images: [Nginx:1]\n", "5:14 imageCaches[0].images[0]: invalid image \"Nginx:1\": the repository name must be lower-case"},
		{"bad tag", "  - name: a1\n    images: [\"nginx:-1\"]\n", "5:14 imageCaches[0].images[0]: invalid image \"nginx:-1\": the tag must be"},
		{"bad digest", "  - name: a1\n    images: [\"nginx@sha256:abc\"]\n", "5:14 imageCaches[0].images[0]: invalid image \"nginx@sha256:abc\": the digest must be"},
		{"bad registry host", "  - name: a1\n    images: [\"-r.example.com/a:1\"]\n", "5:14 imageCaches[0].images[0]: invalid image \"-r.example.com/a:1\": invalid registry host"},
		{"duplicate image", "  - name: a1\n    images: [a:1, b:1, a:1]\n", "5:24 imageCaches[0].images[2]: duplicate of imageCaches[0].images[0]"},
		{"101 images", "  - name: a1\n    images: [" + images(101) + "]\n", "5:13 imageCaches[0].images: 101 images, at most 100 allowed"},
		{"100 images", "  - name: a1\n    images: [" + images(100) + "]\n", ""},

		// numbers and booleans
		{"size zero", "  - name: a1\n    images: [a:1]\n    size: 0\n", "6:11 imageCaches[0].size: must be between 20 and 32768 (documented for ACK's ImageCache resource, eci.alibabacloud.com/v1), got 0"},
		{"size below the documented range", "  - name: a1\n    images: [a:1]\n    size: 19\n", "6:11 imageCaches[0].size: must be between 20 and 32768 (documented for ACK's ImageCache resource, eci.alibabacloud.com/v1), got 19"},
		{"size above the documented range", "  - name: a1\n    images: [a:1]\n    size: 2147483647\n", "6:11 imageCaches[0].size: must be between 20 and 32768 (documented for ACK's ImageCache resource, eci.alibabacloud.com/v1), got 2147483647"},
		{"retention above the documented range", "  - name: a1\n    images: [a:1]\n    retentionDays: 65537\n", "6:20 imageCaches[0].retentionDays: must be between 1 and 65536 (documented for ACK's ImageCache resource, eci.alibabacloud.com/v1), got 65537"},
		{"copy count negative", "  - name: a1\n    images: [a:1]\n    flashCopyCount: -1\n", "6:21 imageCaches[0].flashCopyCount: must be at least 0, got -1"},
		{"size too large", "  - name: a1\n    images: [a:1]\n    size: 2147483648\n", "6:11 imageCaches[0].size: must be between 20 and 32768 (documented for ACK's ImageCache resource, eci.alibabacloud.com/v1), got 2147483648"},
		{"size a string", "  - name: a1\n    images: [a:1]\n    size: \"20\"\n", "6:11 imageCaches[0].size: expected an integer, got a string"},
		{"size a float", "  - name: a1\n    images: [a:1]\n    size: 2.5\n", "6:11 imageCaches[0].size: expected an integer, got \"2.5\""},
		{"retention zero", "  - name: a1\n    images: [a:1]\n    retentionDays: 0\n", "6:20 imageCaches[0].retentionDays: must be between 1 and 65536 (documented for ACK's ImageCache resource, eci.alibabacloud.com/v1), got 0"},
		{"negative copies", "  - name: a1\n    images: [a:1]\n    flashCopyCount: -1\n", "6:21 imageCaches[0].flashCopyCount: must be at least 0, got -1"},
		{"size octal-looking", "  - name: a1\n    images: [a:1]\n    size: 010\n", `6:11 imageCaches[0].size: "010" has a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal: write 10 (or 8 if you meant octal)`},
		{"size leading zeros", "  - name: a1\n    images: [a:1]\n    size: 0040\n", `6:11 imageCaches[0].size: "0040" has a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal: write 40 (or 32 if you meant octal)`},
		{"size 08", "  - name: a1\n    images: [a:1]\n    size: 08\n", `6:11 imageCaches[0].size: "08" has a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal: write 8`},
		{"size hexadecimal", "  - name: a1\n    images: [a:1]\n    size: 0x10\n", `6:11 imageCaches[0].size: "0x10" is a hexadecimal number: write it in decimal, 16`},
		{"size octal", "  - name: a1\n    images: [a:1]\n    size: 0o10\n", `6:11 imageCaches[0].size: "0o10" is a octal number: write it in decimal, 8`},
		{"size underscore", "  - name: a1\n    images: [a:1]\n    size: 2_0\n", `6:11 imageCaches[0].size: "2_0" is not a plain decimal integer: write 20 (no '+' and no '_')`},
		{"size plus", "  - name: a1\n    images: [a:1]\n    size: +5\n", `6:11 imageCaches[0].size: "+5" is not a plain decimal integer: write 5 (no '+' and no '_')`},
		{"size exponent", "  - name: a1\n    images: [a:1]\n    size: 1e3\n", `6:11 imageCaches[0].size: "1e3" is written as a decimal fraction: write the integer 1000`},
		{"size with fraction zero", "  - name: a1\n    images: [a:1]\n    size: 20.0\n", `6:11 imageCaches[0].size: "20.0" is written as a decimal fraction: write the integer 20`},
		{"size infinite", "  - name: a1\n    images: [a:1]\n    size: .inf\n", `6:11 imageCaches[0].size: expected an integer, got ".inf"`},
		{"size far below zero", "  - name: a1\n    images: [a:1]\n    size: -99999999999999999999\n", "6:11 imageCaches[0].size: must be between 20 and 32768 (documented for ACK's ImageCache resource, eci.alibabacloud.com/v1), got -99999999999999999999"},
		{"size 20", "  - name: a1\n    images: [a:1]\n    size: 20\n", ""},
		{"copies 0", "  - name: a1\n    images: [a:1]\n    flashCopyCount: 0\n", ""},
		{"flash yes", "  - name: a1\n    images: [a:1]\n    flash: yes\n", "6:12 imageCaches[0].flash: expected true or false, got a string"},
		{"flash null", "  - name: a1\n    images: [a:1]\n    flash:\n", "6:11 imageCaches[0].flash: expected true or false, got null"},

		// long values are cut in messages
		{"long name", "  - name: " + strings.Repeat("n", 1000) + "!\n    images: [a:1]\n", `4:11 imageCaches[0].name: invalid name "` + strings.Repeat("n", 80) + `"… (1001 characters): use 2 to 128`},
		{"string over 4 KiB", "  - name: a1\n    images: [a:1]\n    annotations: " + strings.Repeat("a", 4097) + "\n", `6:18 imageCaches[0].annotations: 4097 bytes long, at most 4096: "` + strings.Repeat("a", 80) + `"… (4097 characters)`},
		{"annotations of 4 KiB", "  - name: a1\n    images: [a:1]\n    annotations: " + strings.Repeat("a", 4096) + "\n", ""},
		{"long registry host", "  - name: a1\n    images: [a:1]\n    insecureRegistry: " + strings.Repeat("r", 300) + "\n", `6:23 imageCaches[0].insecureRegistry: registry "` + strings.Repeat("r", 80) + `"… (300 characters) is 300 characters long, at most 259`},
		{"too many ignoreChanges", "  - name: a1\n    images: [a:1]\n    ignoreChanges: [" + ignoreTags(40) + "]\n", "6:20 imageCaches[0].ignoreChanges: 40 entries, at most 35 allowed"},

		// enums and ids
		{"elimination", "  - name: a1\n    images: [a:1]\n    eliminationStrategy: FIFO\n", `6:26 imageCaches[0].eliminationStrategy: invalid eliminationStrategy "FIFO"`},
		{"osType", "  - name: a1\n    images: [a:1]\n    osType: linux\n", `6:13 imageCaches[0].osType: invalid osType "linux"`},
		{"security group", "  - name: a1\n    images: [a:1]\n    securityGroupId: vsw-1\n", `6:22 imageCaches[0].securityGroupId: invalid security group id "vsw-1"`},
		{"eleven vswitches", "  - name: a1\n    images: [a:1]\n    vSwitchId: " + strings.TrimSuffix(strings.Repeat("vsw-a,", 11), ",") + "\n", "6:16 imageCaches[0].vSwitchId: 11 vSwitch ids, at most 10"},
		{"resource group", "  - name: a1\n    images: [a:1]\n    resourceGroupId: rg_1\n", `6:22 imageCaches[0].resourceGroupId: invalid resource group id "rg_1"`},
		{"zone", "  - name: a1\n    images: [a:1]\n    zoneId: K\n", `6:13 imageCaches[0].zoneId: invalid zone "K"`},
		{"insecure registry scheme", "  - name: a1\n    images: [a:1]\n    insecureRegistry: http://r.example.com\n", "6:23 imageCaches[0].insecureRegistry: registry \"http://r.example.com\" must be a host name without a scheme"},

		// tags
		{"tags a list", "  - name: a1\n    images: [a:1]\n    tags: [a]\n", "6:11 imageCaches[0].tags: expected a mapping, got a list"},
		{"empty tag key", "  - name: a1\n    images: [a:1]\n    tags: {\"\": x}\n", `6:12 imageCaches[0].tags[""]: tag key must not be empty`},
		{"long tag key", "  - name: a1\n    images: [a:1]\n    tags: {" + strings.Repeat("k", 129) + ": x}\n", "6:12 imageCaches[0].tags[\"" + strings.Repeat("k", 80) + "\"… (129 characters)]: tag key is 129 characters long, at most 128"},
		{"long tag value", "  - name: a1\n    images: [a:1]\n    tags: {k: " + strings.Repeat("v", 129) + "}\n", "6:15 imageCaches[0].tags.k: tag value is 129 characters long, at most 128"},
		{"url in tag key", "  - name: a1\n    images: [a:1]\n    tags: {\"see-https://x\": y}\n", `6:12 imageCaches[0].tags["see-https://x"]: tag key must not contain http:// or https://`},
		{"url in tag value", "  - name: a1\n    images: [a:1]\n    tags: {doc: \"http://x\"}\n", "6:17 imageCaches[0].tags.doc: tag value must not contain http:// or https://"},
		{"aliyun tag key", "  - name: a1\n    images: [a:1]\n    tags: {aliyunTeam: x}\n", "6:12 imageCaches[0].tags.aliyunTeam: tag key must not start with aliyun or acs:"},
		{"acs tag key", "  - name: a1\n    images: [a:1]\n    tags: {\"acs:x\": x}\n", `6:12 imageCaches[0].tags["acs:x"]: tag key must not start with aliyun or acs:`},
		{"reserved tag key", "  - name: a1\n    images: [a:1]\n    tags: {\"imcsync:owner\": x}\n", `6:12 imageCaches[0].tags["imcsync:owner"]: tag keys starting with imcsync: are reserved`},
		{"number tag value", "  - name: a1\n    images: [a:1]\n    tags: {v: 1.2}\n", `6:15 imageCaches[0].tags.v: expected a string, got a number (quote it: "1.2")`},
		{"null tag value", "  - name: a1\n    images: [a:1]\n    tags: {v: }\n", `6:15 imageCaches[0].tags.v: expected a string, got null (write "" for an empty string)`},
		{"duplicate tag key", "  - name: a1\n    images: [a:1]\n    tags: {v: a, v: b}\n", "6:18 imageCaches[0].tags.v: duplicate key (first at line 6)"},
		{"21 tags", "  - name: a1\n    images: [a:1]\n    tags: {" + tags(21) + "}\n", "6:11 imageCaches[0].tags: 21 tags, at most 20 allowed"},
		{"20 tags and owner", "apiVersion: imcsync/v1\nowner: team-a\nregion: cn-hangzhou\nimageCaches:\n  - name: a1\n    images: [a:1]\n    tags: {" + tags(20) + "}\n",
			"7:11 imageCaches[0].tags: 21 tags with the reserved tags imcsync adds, at most 20 allowed: 20 user tags (defaults included) plus imcsync:owner (the file sets owner)"},
		{"19 tags, owner and write-only", "apiVersion: imcsync/v1\nowner: team-a\nregion: cn-hangzhou\nimageCaches:\n  - name: a1\n    images: [a:1]\n    flash: true\n    tags: {" + tags(19) + "}\n",
			"8:11 imageCaches[0].tags: 21 tags with the reserved tags imcsync adds, at most 20 allowed: 19 user tags (defaults included) plus imcsync:owner (the file sets owner) and imcsync:applied (the cache sets write-only or create-only fields)"},
		{"19 tags, owner and create-only", "apiVersion: imcsync/v1\nowner: team-a\nregion: cn-hangzhou\nimageCaches:\n  - name: a1\n    images: [a:1]\n    zoneId: cn-hangzhou-k\n    tags: {" + tags(19) + "}\n",
			"8:11 imageCaches[0].tags: 21 tags with the reserved tags imcsync adds, at most 20 allowed: 19 user tags (defaults included) plus imcsync:owner (the file sets owner) and imcsync:applied (the cache sets write-only or create-only fields)"},
		{"control character in tag value", "  - name: a1\n    images: [a:1]\n    tags: {team: \"a\\u0007b\"}\n", "6:18 imageCaches[0].tags.team: tag value must not contain the control character U+0007"},
		{"control character in tag key", "  - name: a1\n    images: [a:1]\n    tags: {\"te\\tam\": a}\n", `6:12 imageCaches[0].tags["te\tam"]: tag key must not contain the control character U+0009`},
		{"18 tags, owner and write-only", "apiVersion: imcsync/v1\nowner: team-a\nregion: cn-hangzhou\nimageCaches:\n  - name: a1\n    images: [a:1]\n    flash: true\n    tags: {" + tags(18) + "}\n", ""},

		// credentials
		{"plain password", "  - name: a1\n    images: [a:1]\n    imageRegistryCredentials:\n      - {server: r.example.com, userName: u, passwordFromEnv: P, password: hunter2}\n",
			"7:66 imageCaches[0].imageRegistryCredentials[0].password: a password is never written in the file: write passwordFromEnv: VAR and export VAR when running apply"},
		{"credential missing keys", "  - name: a1\n    images: [a:1]\n    imageRegistryCredentials:\n      - server: r.example.com\n",
			"7:9 imageCaches[0].imageRegistryCredentials[0]: missing userName, passwordFromEnv"},
		{"credential unknown key", "  - name: a1\n    images: [a:1]\n    imageRegistryCredentials:\n      - {server: r.example.com, userName: u, passwordFromEnv: P, passwordFromENV: Q}\n",
			"7:66 imageCaches[0].imageRegistryCredentials[0].passwordFromENV: unknown key, did you mean passwordFromEnv?"},
		{"credential scheme", "  - name: a1\n    images: [a:1]\n    imageRegistryCredentials:\n      - {server: \"https://r.example.com\", userName: u, passwordFromEnv: P}\n",
			"7:18 imageCaches[0].imageRegistryCredentials[0].server: registry \"https://r.example.com\" must be a host name"},
		{"credential env name", "  - name: a1\n    images: [a:1]\n    imageRegistryCredentials:\n      - {server: r.example.com, userName: u, passwordFromEnv: 1PASS}\n",
			"7:63 imageCaches[0].imageRegistryCredentials[0].passwordFromEnv: invalid environment variable name \"1PASS\""},
		{"duplicate credential server", "  - name: a1\n    images: [a:1]\n    imageRegistryCredentials:\n      - {server: r.example.com, userName: u, passwordFromEnv: P}\n      - {server: r.example.com, userName: v, passwordFromEnv: Q}\n",
			"8:9 imageCaches[0].imageRegistryCredentials[1]: duplicate of imageCaches[0].imageRegistryCredentials[0]"},
		{"11 credentials", "  - name: a1\n    images: [a:1]\n    imageRegistryCredentials:\n" + creds(11), "7:7 imageCaches[0].imageRegistryCredentials: 11 registry credentials, at most 10 allowed"},
		{"10 credentials", "  - name: a1\n    images: [a:1]\n    imageRegistryCredentials:\n" + creds(10), ""},

		// ACR infos
		{"acr missing instance", "  - name: a1\n    images: [a:1]\n    acrRegistryInfos:\n      - instanceName: x\n", "7:9 imageCaches[0].acrRegistryInfos[0]: missing instanceId"},
		{"acr bad instance", "  - name: a1\n    images: [a:1]\n    acrRegistryInfos:\n      - instanceId: x-1\n", `7:21 imageCaches[0].acrRegistryInfos[0].instanceId: invalid ACR instance id "x-1"`},
		{"acr domains", "  - name: a1\n    images: [a:1]\n    acrRegistryInfos:\n      - {instanceId: cri-1, domains: [\"\"]}\n", "7:39 imageCaches[0].acrRegistryInfos[0].domains[0]: registry must not be empty"},
		{"21 acr infos", "  - name: a1\n    images: [a:1]\n    acrRegistryInfos:\n" + acrs(21), "7:7 imageCaches[0].acrRegistryInfos: 21 ACR registry infos, at most 20 allowed"},
		{"20 acr infos", "  - name: a1\n    images: [a:1]\n    acrRegistryInfos:\n" + acrs(20), ""},

		// ignoreChanges
		{"ignore unknown", "  - name: a1\n    images: [a:1]\n    ignoreChanges: [sizes]\n", `6:21 imageCaches[0].ignoreChanges[0]: unknown field "sizes": ignoreChanges takes images, size,`},
		{"ignore create-only", "  - name: a1\n    images: [a:1]\n    ignoreChanges: [zoneId]\n", "6:21 imageCaches[0].ignoreChanges[0]: zoneId is create-only"},
		{"ignore reserved tag", "  - name: a1\n    images: [a:1]\n    ignoreChanges: [\"tags.imcsync:owner\"]\n", `6:21 imageCaches[0].ignoreChanges[0]: "tags.imcsync:owner": tag keys starting with imcsync: are reserved`},
		{"ignore twice", "  - name: a1\n    images: [a:1]\n    ignoreChanges: [size, size]\n", "6:27 imageCaches[0].ignoreChanges[1]: duplicate of imageCaches[0].ignoreChanges[0]"},

		// defaults
		{"defaults name", "apiVersion: imcsync/v1\nregion: cn-hangzhou\ndefaults: {name: x}\nimageCaches: []\n", "3:12 defaults.name: name cannot be set in defaults"},
		{"defaults unknown key", "apiVersion: imcsync/v1\ndefaults: {sizes: 1}\nimageCaches: []\n", "2:12 defaults.sizes: unknown key, did you mean size?"},
		{"defaults bad value", "apiVersion: imcsync/v1\ndefaults: {size: 0}\nimageCaches: []\n", "2:18 defaults.size: must be between 20 and 32768 (documented for ACK's ImageCache resource, eci.alibabacloud.com/v1), got 0"},
		{"defaults region and images", "apiVersion: imcsync/v1\ndefaults: {region: cn-beijing, images: [a:1]}\nimageCaches:\n  - name: a1\n", ""},
		{"defaults tags count", "apiVersion: imcsync/v1\nregion: cn-hangzhou\ndefaults: {tags: {" + tags(15) + "}}\nimageCaches:\n  - name: a1\n    images: [a:1]\n    tags: {x1: a, x2: b, x3: c, x4: d, x5: e, x6: f}\n",
			"7:11 imageCaches[0].tags: 21 tags, at most 20 allowed"},
		{"defaults tags count without cache tags", "apiVersion: imcsync/v1\nowner: o1\nregion: cn-hangzhou\ndefaults: {tags: {" + tags(20) + "}}\nimageCaches:\n  - name: a1\n    images: [a:1]\n",
			"6:5 imageCaches[0]: 21 tags with the reserved tags imcsync adds"},
		{"write-only from defaults counts", "apiVersion: imcsync/v1\nregion: cn-hangzhou\ndefaults: {securityGroupId: sg-1}\nimageCaches:\n  - name: a1\n    images: [a:1]\n    tags: {" + tags(20) + "}\n",
			"7:11 imageCaches[0].tags: 21 tags with the reserved tags imcsync adds, at most 20 allowed: 20 user tags (defaults included) plus imcsync:applied (the cache sets write-only or create-only fields)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.yaml
			if src != "" && !strings.HasPrefix(src, "apiVersion") && !strings.HasPrefix(src, "imageCaches") && !strings.HasPrefix(src, "-") && !strings.HasPrefix(src, "#") {
				src = head + src
			}
			f, err := Parse("t.yaml", []byte(src))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v\ninput:\n%s", err, src)
				}
				if f == nil {
					t.Fatal("Parse returned no file and no error")
				}
				return
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v, want Errors\ninput:\n%s", err, src)
			}
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v\ninput:\n%s", len(errs), err, src)
			}
			e := errs[0]
			pos, rest, _ := strings.Cut(tt.want, " ")
			wantPath, wantMsg, _ := strings.Cut(rest, ": ")
			if got := fmt.Sprintf("%d:%d", e.Pos.Line, e.Pos.Column); got != pos {
				t.Errorf("position = %s, want %s (%v)", got, pos, e)
			}
			if e.Path != wantPath {
				t.Errorf("path = %q, want %q (%v)", e.Path, wantPath, e)
			}
			if !strings.HasPrefix(e.Message, wantMsg) {
				t.Errorf("message = %q, want it to start with %q", e.Message, wantMsg)
			}
			if e.File != "t.yaml" {
				t.Errorf("file = %q, want t.yaml", e.File)
			}
		})
	}
}

// tags returns n tags as a flow mapping's content.
func tags(n int) string {
	var b []string
	for i := range n {
		b = append(b, fmt.Sprintf("k%d: v", i))
	}
	return strings.Join(b, ", ")
}

// images returns n distinct images as a flow list's content.
func images(n int) string {
	var b []string
	for i := range n {
		b = append(b, fmt.Sprintf("app%d:1", i))
	}
	return strings.Join(b, ", ")
}

func creds(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "      - {server: r%d.example.com, userName: u, passwordFromEnv: P}\n", i)
	}
	return b.String()
}

func acrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "      - {instanceId: cri-%d}\n", i)
	}
	return b.String()
}

// ignoreTags returns n distinct ignoreChanges entries tags.tN as a flow list's content.
func ignoreTags(n int) string {
	var b []string
	for i := range n {
		b = append(b, fmt.Sprintf("tags.t%d", i))
	}
	return strings.Join(b, ", ")
}
