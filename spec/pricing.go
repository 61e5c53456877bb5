package spec

import (
	"math"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Pricing is the file's storage price, which imcsync never guesses: the price of one
// GiB of image-cache snapshot storage for a month, in the account's currency.
//
//	pricing:
//	  perGiBMonth: 0.12
//	  currency: CNY
type Pricing struct {
	PerGiBMonth float64
	Currency    string
}

// pricingFields are the keys of the pricing block.
var pricingFields = []objectField[Pricing]{
	{Field{Key: "perGiBMonth", Managed: Local}, func(d *decoder, n *yaml.Node, path string, p *Pricing) {
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
			d.errorf(n, path, "expected a number (the price of one GiB for a month), got %s", describe(n))
			return
		}
		v, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			d.errorf(n, path, "expected a price of 0 or more, got %s", shown(n.Value))
			return
		}
		p.PerGiBMonth = v
	}},
	{Field{Key: "currency", Managed: Local}, stringInto(func(p *Pricing) *string { return &p.Currency }, func(s string) string {
		if len(s) > 16 {
			return "a currency code such as CNY or USD, at most 16 characters"
		}
		return ""
	})},
}

// decodePricing decodes the top-level pricing block into t.
func decodePricing(d *decoder, n *yaml.Node, path string, t *topLevel) {
	p := &Pricing{}
	present := false
	decodeObject(d, n, path, pricingFields, p, func(key string, _, _ *yaml.Node) bool {
		present = present || key == "perGiBMonth"
		return false
	})
	if !present {
		d.errorf(n, path, "pricing needs perGiBMonth: the price of one GiB of cache storage for a month")
		return
	}
	t.file.Pricing = p
}
