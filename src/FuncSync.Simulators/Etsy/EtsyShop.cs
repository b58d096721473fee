using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;

namespace FuncSync.Simulators.Etsy;

internal enum EtsyReceiptSort
{
    Created,
    Updated,
    ReceiptId,
}

internal sealed record EtsyReceiptQuery(
    long? MinCreated, long? MaxCreated, long? MinLastModified, long? MaxLastModified,
    int Limit, int Offset, EtsyReceiptSort SortOn, bool Descending,
    bool? WasPaid, bool? WasShipped, bool? WasCanceled);

/// <summary>One Etsy shop's listings and receipts. Every operation takes the one lock, so concurrent requests are safe.</summary>
internal sealed partial class EtsyShop
{
    private readonly Lock _gate = new();
    private readonly EtsySimulatorOptions _options;
    private readonly long _sellerUserId;
    private readonly Dictionary<long, EtsyListing> _listings = [];
    private readonly Dictionary<long, EtsyReceipt> _receipts = [];
    private long _nextProductId;
    private long _nextOfferingId;
    private long _nextReceiptId;
    private long _nextTransactionId;
    private long _nextBuyerUserId;

    public EtsyShop(EtsySimulatorOptions options)
    {
        _options = options;
        var dot = options.AccessToken.IndexOf('.', StringComparison.Ordinal);
        _sellerUserId = dot > 0 && long.TryParse(options.AccessToken.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            ? user
            : 0;

        // Etsy ids are large integers; the seed picks where each sequence starts.
        var ids = new SeededIds(options.Seed);
        _nextProductId = ids.NextStart(10_000_000_000, 1_000_000_000);
        _nextOfferingId = ids.NextStart(20_000_000_000, 1_000_000_000);
        _nextReceiptId = ids.NextStart(3_000_000_000, 100_000_000);
        _nextTransactionId = ids.NextStart(4_000_000_000, 100_000_000);
        _nextBuyerUserId = ids.NextStart(700_000_000, 100_000_000);
    }

    public long SellerUserId => _sellerUserId;

    public void AddListing(long listingId, string title, IReadOnlyList<EtsySimProduct> products, long now)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(products);
        if (products.Count == 0)
        {
            throw new ArgumentException("A listing needs at least one product.", nameof(products));
        }

        if (products.Any(p => string.IsNullOrEmpty(p.Sku)) || products.Select(p => p.Sku).Distinct(StringComparer.Ordinal).Count() != products.Count)
        {
            throw new ArgumentException("Products need distinct, non-empty SKUs (the simulator looks them up by SKU).", nameof(products));
        }

        if (products.Select(p => EtsyVariation.Key(p.PropertyValues)).Distinct(StringComparer.Ordinal).Count() != products.Count)
        {
            throw new ArgumentException("Products need distinct property values.", nameof(products));
        }

        lock (_gate)
        {
            if (_listings.ContainsKey(listingId))
            {
                throw new ArgumentException($"Listing {listingId} already exists.", nameof(listingId));
            }

            var stored = products.Select(p => new EtsyProduct
            {
                ProductId = _nextProductId++,
                OfferingId = _nextOfferingId++,
                Sku = p.Sku,
                Quantity = p.Quantity,
                PriceMinor = (long)Math.Round(p.Price * 100m, MidpointRounding.AwayFromZero),
                IsEnabled = true,
                ReadinessStateId = 1402336022581,
                PropertyValues = p.PropertyValues,
            }).ToList();

            // With several products, quantity and SKU vary by every property in use; price only if it differs.
            var varying = products.Count > 1
                ? stored.SelectMany(p => p.PropertyValues).Select(v => v.PropertyId).Distinct().Order().ToList()
                : [];
            var priceVaries = stored.Select(p => p.PriceMinor).Distinct().Skip(1).Any();
            var listing = new EtsyListing
            {
                ListingId = listingId,
                Title = title,
                State = stored.Sum(p => p.Quantity) > 0 ? "active" : "sold_out",
                CreatedAt = now,
                UpdatedAt = now,
                Products = stored,
                PriceOnProperty = priceVaries ? varying : [],
                QuantityOnProperty = varying,
                SkuOnProperty = varying,
                ReadinessStateOnProperty = [],
            };
            _listings.Add(listingId, listing);
        }
    }

    public int GetQuantity(long listingId, string sku)
    {
        lock (_gate)
        {
            return Listing(listingId).FindBySku(sku).Quantity;
        }
    }

    public bool IsOfferingEnabled(long listingId, string sku)
    {
        lock (_gate)
        {
            return Listing(listingId).FindBySku(sku).IsEnabled;
        }
    }

    public long GetPriceMinor(long listingId, string sku)
    {
        lock (_gate)
        {
            return Listing(listingId).FindBySku(sku).PriceMinor;
        }
    }

    public IReadOnlyList<string> GetSkus(long listingId)
    {
        lock (_gate)
        {
            return [.. Listing(listingId).Products.Select(p => p.Sku)];
        }
    }

    public string GetListingState(long listingId)
    {
        lock (_gate)
        {
            return Listing(listingId).State;
        }
    }

    public int GetRenewals(long listingId)
    {
        lock (_gate)
        {
            return Listing(listingId).Renewals;
        }
    }

    public JsonObject GetListingJson(long listingId)
    {
        lock (_gate)
        {
            return EtsyJson.Listing(ListingOr404(listingId), _options.ShopId, _sellerUserId, _options.CurrencyCode);
        }
    }

    public JsonObject GetInventoryJson(long listingId, bool includeListing)
    {
        lock (_gate)
        {
            var listing = ListingOr404(listingId);
            var inventory = EtsyJson.Inventory(listing, _options.CurrencyCode);
            if (includeListing)
            {
                inventory["listing"] = EtsyJson.Listing(listing, _options.ShopId, _sellerUserId, _options.CurrencyCode);
            }

            return inventory;
        }
    }

    /// <summary>The full-replace inventory PUT. Every product and offering gets new ids, as Etsy assigns on each update.</summary>
    public (JsonObject Inventory, IReadOnlyList<EtsyInventoryChanged> Changed) UpdateInventory(long listingId, JsonNode? body, DateTimeOffset now)
    {
        lock (_gate)
        {
            var listing = ListingOr404(listingId);
            var update = EtsyInventoryUpdate.Parse(body, listing);
            var before = listing.Products.ToDictionary(p => p.VariationKey, StringComparer.Ordinal);
            var changed = new List<EtsyInventoryChanged>();
            var products = new List<EtsyProduct>(update.Products.Count);
            foreach (var p in update.Products)
            {
                var old = before[p.VariationKey];
                products.Add(new EtsyProduct
                {
                    ProductId = _nextProductId++,
                    OfferingId = _nextOfferingId++,
                    Sku = p.Sku,
                    Quantity = p.Quantity,
                    PriceMinor = p.PriceMinor,
                    IsEnabled = p.IsEnabled,
                    ReadinessStateId = p.ReadinessStateId ?? old.ReadinessStateId,
                    PropertyValues = p.PropertyValues,
                });
                if (old.Quantity != p.Quantity || old.IsEnabled != p.IsEnabled)
                {
                    changed.Add(new EtsyInventoryChanged(listingId, p.Sku, p.Quantity, p.IsEnabled, now));
                }
            }

            listing.Products = products;
            listing.PriceOnProperty = update.PriceOnProperty;
            listing.QuantityOnProperty = update.QuantityOnProperty;
            listing.SkuOnProperty = update.SkuOnProperty;
            listing.ReadinessStateOnProperty = update.ReadinessStateOnProperty;
            listing.UpdatedAt = now.ToUnixTimeSeconds();
            return (EtsyJson.Inventory(listing, _options.CurrencyCode), changed);
        }
    }

    /// <summary>updateListing: the seller may switch between active and inactive; Etsy sets sold_out itself.</summary>
    public JsonObject UpdateListing(long listingId, string? state, string? title, long now)
    {
        lock (_gate)
        {
            var listing = ListingOr404(listingId);
            if (state is not null)
            {
                if (state is not ("active" or "inactive"))
                {
                    throw EtsyApiException.BadRequest($"state must be one of: active, inactive (got '{state}').");
                }

                if (state == "active" && listing.State == "sold_out")
                {
                    // Etsy's updateListing: "Setting a sold_out listing to active will update the quantity to 1 and renew
                    // the listing". Which variation gets the unit is not documented (?): the first one here.
                    var first = listing.Products[0];
                    first.Quantity = 1;
                    first.IsEnabled = true;
                    listing.Renewals++;
                }
                else if (state == "active" && listing.EnabledQuantity == 0)
                {
                    throw EtsyApiException.BadRequest("Cannot activate a listing with no quantity available.");
                }

                listing.State = state;
            }

            if (title is not null)
            {
                listing.Title = title;
            }

            listing.UpdatedAt = now;
            return EtsyJson.Listing(listing, _options.ShopId, _sellerUserId, _options.CurrencyCode);
        }
    }

    public EtsyReceiptResult? PlaceOrder(long listingId, string sku, int quantity, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        lock (_gate)
        {
            var listing = Listing(listingId);
            var product = listing.FindBySku(sku);
            if (listing.State != "active" || !product.IsEnabled || product.Quantity < quantity)
            {
                return null;
            }

            product.Quantity -= quantity;
            listing.UpdatedAt = now;
            if (listing.EnabledQuantity == 0)
            {
                listing.State = "sold_out";
            }

            var transaction = new EtsyTransaction(
                _nextTransactionId++, listingId, listing.Title, product.ProductId, product.Sku, quantity, product.PriceMinor, product.PropertyValues, now);
            var receipt = new EtsyReceipt
            {
                ReceiptId = _nextReceiptId++,
                BuyerUserId = _nextBuyerUserId++,
                CreatedAt = now,
                UpdatedAt = now,
                Transactions = [transaction],
            };
            _receipts.Add(receipt.ReceiptId, receipt);
            return new EtsyReceiptResult(receipt.ReceiptId, [transaction.TransactionId]);
        }
    }

    public void TouchReceipt(long receiptId, long now)
    {
        lock (_gate)
        {
            if (!_receipts.TryGetValue(receiptId, out var receipt))
            {
                throw new KeyNotFoundException($"No receipt {receiptId}.");
            }

            receipt.UpdatedAt = now;
        }
    }

    /// <summary>The seller marks an order shipped (createReceiptShipment): the receipt becomes Completed with a shipment,
    /// and its update_timestamp moves, so a poll by min_last_modified sees it again.</summary>
    public void ShipReceipt(long receiptId, long now)
    {
        lock (_gate)
        {
            if (!_receipts.TryGetValue(receiptId, out var receipt))
            {
                throw new KeyNotFoundException($"No receipt {receiptId}.");
            }

            receipt.IsShipped = true;
            receipt.ShippedAt = now;
            receipt.UpdatedAt = now;
        }
    }

    /// <summary>The seller cancels an order. As on Etsy, the receipt's update_timestamp does not reliably move, so a poll by
    /// min_last_modified may never see it; was_canceled does. The units are not put back on the listing: that is the
    /// stock owner's (FuncSync's) call.</summary>
    public void CancelReceipt(long receiptId, long now)
    {
        lock (_gate)
        {
            if (!_receipts.TryGetValue(receiptId, out var receipt))
            {
                throw new KeyNotFoundException($"No receipt {receiptId}.");
            }

            receipt.IsCanceled = true;
            var left = receipt.TotalMinor - receipt.Refunds.Sum(r => r.AmountMinor);
            if (left > 0)
            {
                receipt.Refunds.Add(new EtsyRefund(left, now, "canceled", null, "REFUNDED"));
            }
        }
    }

    /// <summary>The seller refunds part of an order (or all of it) without canceling it. As with cancellations, the
    /// receipt's update_timestamp does not move, and the refund does not name a transaction.</summary>
    public void RefundReceipt(long receiptId, long amountMinor, string? reason, string? note, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amountMinor);
        lock (_gate)
        {
            if (!_receipts.TryGetValue(receiptId, out var receipt))
            {
                throw new KeyNotFoundException($"No receipt {receiptId}.");
            }

            if (receipt.Refunds.Sum(r => r.AmountMinor) + amountMinor > receipt.TotalMinor)
            {
                throw new InvalidOperationException($"Receipt {receiptId} cannot be refunded more than it cost.");
            }

            receipt.Refunds.Add(new EtsyRefund(amountMinor, now, reason, note, "REFUNDED"));
        }
    }

    public JsonObject GetReceiptJson(long receiptId)
    {
        lock (_gate)
        {
            return _receipts.TryGetValue(receiptId, out var receipt)
                ? EtsyJson.Receipt(receipt, _sellerUserId, _options.CurrencyCode)
                : throw EtsyApiException.NotFound($"Could not find a receipt with receipt_id = {receiptId}");
        }
    }

    public JsonObject QueryReceipts(EtsyReceiptQuery query)
    {
        lock (_gate)
        {
            var matching = _receipts.Values.Where(r =>
                (query.MinCreated is not { } minC || r.CreatedAt >= minC)
                && (query.MaxCreated is not { } maxC || r.CreatedAt <= maxC)
                && (query.MinLastModified is not { } minM || r.UpdatedAt >= minM)
                && (query.MaxLastModified is not { } maxM || r.UpdatedAt <= maxM)
                && (query.WasPaid is not { } paid || r.IsPaid == paid)
                && (query.WasShipped is not { } shipped || r.IsShipped == shipped)
                && (query.WasCanceled is not { } canceled || r.IsCanceled == canceled)).ToList();

            Func<EtsyReceipt, long> key = query.SortOn switch
            {
                EtsyReceiptSort.Updated => r => r.UpdatedAt,
                EtsyReceiptSort.ReceiptId => r => r.ReceiptId,
                _ => r => r.CreatedAt,
            };

            // The receipt id breaks ties so pages never overlap or skip when timestamps collide.
            var ordered = query.Descending
                ? matching.OrderByDescending(key).ThenByDescending(r => r.ReceiptId)
                : matching.OrderBy(key).ThenBy(r => r.ReceiptId);
            var page = ordered.Skip(query.Offset).Take(query.Limit)
                .Select(r => (JsonNode?)EtsyJson.Receipt(r, _sellerUserId, _options.CurrencyCode));
            return new JsonObject
            {
                ["count"] = matching.Count,
                ["results"] = SimulatorJson.Array(page),
            };
        }
    }

    private EtsyListing Listing(long listingId) =>
        _listings.TryGetValue(listingId, out var listing) ? listing : throw new KeyNotFoundException($"No listing {listingId}.");

    private EtsyListing ListingOr404(long listingId) =>
        _listings.TryGetValue(listingId, out var listing)
            ? listing
            : throw EtsyApiException.NotFound($"Could not find a Listing with listing_id = {listingId}");
}
