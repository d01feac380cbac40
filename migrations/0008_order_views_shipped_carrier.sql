-- Up Migration

-- OrderShipped records the carrier that took the shipment. Like shipped_tracking_number,
-- it is projection bookkeeping: the carrier the order's own event named, which the
-- shipment summary prefers over the Shipment stream's. Null for orders not shipped yet
-- and for events recorded before OrderShipped carried a carrier. Rebuild shadow tables
-- are created LIKE the live table, so they get the column too.
ALTER TABLE order_views ADD COLUMN shipped_carrier text;
