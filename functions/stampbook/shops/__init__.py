"""Web shops' order webhooks (Shopify, WooCommerce, Square): their signatures checked, their
payloads read into the orders and refunds the loyalty engine records. Pure: no I/O."""
