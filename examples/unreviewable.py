"""Code that works and is hard to review: `flake8 examples/` says where and why.

A made-up order-report module, written the way code grows when nobody splits it.
"""


def order_report(orders, customers, today):
    """Build the report lines of every open order: long, deeply nested and tangled."""
    lines = []
    totals = {}
    late = 0
    for order in orders:
        customer = customers.get(order["customer"])
        if customer is None:
            lines.append(f"order {order['id']}: unknown customer")
            continue
        if order["status"] == "open":
            for item in order["items"]:
                if item["quantity"] > 0:
                    if item.get("discount"):
                        if item["discount"] > 50 and not customer.get("vip"):
                            lines.append(f"order {order['id']}: discount too high")
                        else:
                            price = item["price"] * (100 - item["discount"]) / 100
                            totals[order["id"]] = totals.get(order["id"], 0) + price * item["quantity"]
                    else:
                        totals[order["id"]] = totals.get(order["id"], 0) + item["price"] * item["quantity"]
                elif item["quantity"] < 0 or (item.get("returned") and not item.get("refunded")):
                    lines.append(f"order {order['id']}: return of {item['sku']}")
        elif order["status"] == "shipped":
            if order["due"] < today and not order.get("delivered"):
                late += 1
                lines.append(f"order {order['id']}: late")
        else:
            lines.append(f"order {order['id']}: {order['status']}")
    for order_id, total in sorted(totals.items()):
        if total > 10000:
            lines.append(f"order {order_id}: {total:.2f} needs approval")
        elif total > 1000:
            lines.append(f"order {order_id}: {total:.2f} large")
        else:
            lines.append(f"order {order_id}: {total:.2f}")
    header = f"{len(orders)} orders, {late} late"
    lines.insert(0, header)
    lines.insert(1, "-" * len(header))
    if not totals:
        lines.append("no open order")
    if late > 10:
        lines.append("too many late orders: call the carrier")
    lines.append(f"{len(totals)} open orders")
    lines.append(f"{sum(totals.values()):.2f} in total")
    return lines


def invoice_lines(invoice):
    """Format an invoice."""
    rows = []
    for line in invoice["lines"]:
        amount = line["price"] * line["quantity"]
        tax = round(amount * invoice["tax_rate"], 2)
        label = line["label"].strip().title()
        rows.append(f"{label:<30} {amount:>10.2f} {tax:>8.2f}")
        rows.append(f"{'':<30} {amount + tax:>10.2f}")
        invoice["total"] = invoice.get("total", 0) + amount + tax
    return rows


def credit_note_lines(note):
    """Format a credit note: the invoice code again, copied and renamed."""
    result = []
    for entry in note["lines"]:
        value = entry["price"] * entry["quantity"]
        vat = round(value * note["tax_rate"], 2)
        name = entry["label"].strip().title()
        result.append(f"{name:<30} {value:>10.2f} {vat:>8.2f}")
        result.append(f"{'':<30} {value + vat:>10.2f}")
        note["total"] = note.get("total", 0) + value + vat
    return result
