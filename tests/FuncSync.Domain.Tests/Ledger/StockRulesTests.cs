using FsCheck;
using FsCheck.Fluent;
using FuncSync.Domain.Ledger;

namespace FuncSync.Domain.Tests.Ledger;

public sealed class StockRulesTests
{
    private static readonly InventoryEventKind[] CommutingKinds =
        [InventoryEventKind.Sale, InventoryEventKind.Cancellation, InventoryEventKind.Fulfilment, InventoryEventKind.FulfilmentCancelled, InventoryEventKind.Return, InventoryEventKind.Receipt, InventoryEventKind.Adjustment];

    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(InventoryEventKind.Sale, 2, 3)]
    [InlineData(InventoryEventKind.Cancellation, 2, 7)]
    [InlineData(InventoryEventKind.Return, 2, 7)]
    [InlineData(InventoryEventKind.Receipt, 2, 7)]
    [InlineData(InventoryEventKind.Adjustment, -2, 3)]
    [InlineData(InventoryEventKind.Adjustment, 2, 7)]
    [InlineData(InventoryEventKind.Count, 8, 8)]
    [InlineData(InventoryEventKind.Fulfilment, 2, 5)]
    [InlineData(InventoryEventKind.FulfilmentCancelled, 2, 5)]
    public void Apply_EachKind_MovesAvailable(InventoryEventKind kind, int units, int after)
    {
        Assert.Equal(after, StockRules.Apply(new StockLevel(5), kind, units).After.Available);
    }

    [Fact]
    public void Apply_ReturnHeldForInspection_AvailableUnchangedPendingUp()
    {
        var change = StockRules.Apply(new StockLevel(5), InventoryEventKind.Return, 2, ReturnDisposition.Inspect);

        Assert.Equal((5, 2), (change.After.Available, change.After.PendingInspection));
        Assert.Equal(0, change.Delta);
    }

    [Fact]
    public void Apply_InspectionOutcomes_MovePendingToAvailableOrAway()
    {
        var restocked = StockRules.Apply(new StockLevel(5, PendingInspection: 2), InventoryEventKind.InspectionRestocked, 1).After;
        var writtenOff = StockRules.Apply(new StockLevel(5, PendingInspection: 2), InventoryEventKind.InspectionWrittenOff, 1).After;

        Assert.Equal((6, 1), (restocked.Available, restocked.PendingInspection));
        Assert.Equal((5, 1), (writtenOff.Available, writtenOff.PendingInspection));
    }

    [Fact]
    public void Apply_ResolvingMoreThanPending_Refused()
    {
        var error = Assert.Throws<StockRuleException>(() => StockRules.Apply(new StockLevel(5, PendingInspection: 1), InventoryEventKind.InspectionRestocked, 2));

        Assert.Contains("Only 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SaleOfMoreThanAvailable_KeepsNegativeTruthAndFlagsOversell()
    {
        var change = StockRules.Apply(new StockLevel(1), InventoryEventKind.Sale, 2);

        Assert.Equal(-1, change.After.Available);
        Assert.True(change.IsOversell);
    }

    [Fact]
    public void Apply_CountBelowZeroStock_IsNotAnOversell()
    {
        Assert.False(StockRules.Apply(new StockLevel(-1), InventoryEventKind.Count, 0).IsOversell);
    }

    [Theory]
    [InlineData(InventoryEventKind.Sale, -1)]
    [InlineData(InventoryEventKind.Count, -1)]
    [InlineData(InventoryEventKind.Sale, StockRules.MaxQuantityPerEvent + 1)]
    [InlineData(InventoryEventKind.Adjustment, -StockRules.MaxQuantityPerEvent - 1)]
    public void Apply_QuantityOutOfRange_Refused(InventoryEventKind kind, int units)
    {
        Assert.Throws<StockRuleException>(() => StockRules.Apply(default, kind, units));
    }

    [Fact]
    public void Apply_CommutingKindsInAnyOrder_SameEnd()
    {
        var events = Gen.Elements(CommutingKinds).Zip(Gen.Choose(0, 20)).ListOf();
        var property = Prop.ForAll(
            events.ToArbitrary(),
            Gen.Choose(0, 1000).ToArbitrary(),
            (list, seed) =>
            {
                var shuffled = list.OrderBy(_ => new Random(seed).Next()).ToList();
                return Run(list) == Run(shuffled);
            });

        Check.One(Config.QuickThrowOnFailure.WithReplay(2026UL, 11UL), property);
    }

    [Fact]
    public void Apply_CountAfterAnySales_SetsOnHandAndKeepsThemCommitted()
    {
        var property = Prop.ForAll(
            Gen.Choose(0, 20).ListOf().ToArbitrary(),
            Gen.Choose(0, 500).ToArbitrary(),
            (sales, counted) =>
            {
                var level = sales.Aggregate(new StockLevel(7), (l, q) => StockRules.Apply(l, InventoryEventKind.Sale, q).After);
                var after = StockRules.Apply(level, InventoryEventKind.Count, counted).After;
                return after.OnHand == counted && after.Committed == sales.Sum() && after.Available == counted - sales.Sum();
            });

        Check.One(Config.QuickThrowOnFailure.WithReplay(2026UL, 13UL), property);
    }

    [Fact]
    public void Apply_SaleThenShipment_CommitsThenLeavesTheShelf()
    {
        var sold = StockRules.Apply(new StockLevel(8), InventoryEventKind.Sale, 1, at: T0).After;
        var shipped = StockRules.Apply(sold, InventoryEventKind.Fulfilment, 1, at: T0.AddHours(2)).After;

        Assert.Equal((8, 1, 7), (sold.OnHand, sold.Committed, sold.Available));
        Assert.Equal((7, 0, 7), (shipped.OnHand, shipped.Committed, shipped.Available));
    }

    [Fact]
    public void Apply_ShipmentCancelled_BackOnTheShelfAndCommittedAgain()
    {
        var sold = StockRules.Apply(new StockLevel(8), InventoryEventKind.Sale, 1, at: T0).After;
        var shipped = StockRules.Apply(sold, InventoryEventKind.Fulfilment, 1, at: T0.AddHours(2)).After;
        var undone = StockRules.Apply(shipped, InventoryEventKind.FulfilmentCancelled, 1, at: T0.AddHours(3)).After;
        var shippedAgain = StockRules.Apply(undone, InventoryEventKind.Fulfilment, 1, at: T0.AddHours(4)).After;

        Assert.Equal((8, 1, 7), (undone.OnHand, undone.Committed, undone.Available));
        Assert.Equal((7, 0, 7), (shippedAgain.OnHand, shippedAgain.Committed, shippedAgain.Available));
    }

    [Fact]
    public void Apply_ShipmentCancelledAfterACount_CountKeepsTheUnitThatCameBack()
    {
        var sold = StockRules.Apply(new StockLevel(8), InventoryEventKind.Sale, 1, at: T0).After;
        var shipped = StockRules.Apply(sold, InventoryEventKind.Fulfilment, 1, at: T0.AddHours(1)).After;
        var undone = StockRules.Apply(shipped, InventoryEventKind.FulfilmentCancelled, 1, at: T0.AddHours(3)).After;

        // A count made between the shipment and its cancellation arrives last: 7 on the shelf then, 8 now.
        var counted = StockRules.Apply(undone, InventoryEventKind.Count, 7, at: T0.AddHours(2)).After;

        Assert.Equal((8, 1, 7), (counted.OnHand, counted.Committed, counted.Available));
    }

    [Fact]
    public void Apply_CountWhileASaleAwaitsShipping_NeitherForgetsNorSubtractsItTwice()
    {
        // The demo: a sale on its way, a count of 8 (the sold unit still on the shelf, packed).
        var sold = StockRules.Apply(new StockLevel(9), InventoryEventKind.Sale, 1, at: T0).After;
        var counted = StockRules.Apply(sold, InventoryEventKind.Count, 9, at: T0.AddMinutes(1)).After;

        Assert.Equal(8, counted.Available);

        // And in the other order: the count lands first, the sale after it.
        var countFirst = StockRules.Apply(new StockLevel(9), InventoryEventKind.Count, 9, at: T0.AddMinutes(1)).After;
        Assert.Equal(8, StockRules.Apply(countFirst, InventoryEventKind.Sale, 1, at: T0).After.Available);
    }

    [Fact]
    public void Apply_ShipmentBeforeACountArrivingAfterIt_NotSubtractedTwice()
    {
        var sold = StockRules.Apply(new StockLevel(5), InventoryEventKind.Sale, 1, at: T0).After;
        var counted = StockRules.Apply(sold, InventoryEventKind.Count, 4, at: T0.AddHours(3)).After;

        // Shipped at T0+2h, before the count of 4 that no longer saw it on the shelf.
        var shipped = StockRules.Apply(counted, InventoryEventKind.Fulfilment, 1, at: T0.AddHours(2)).After;

        Assert.Equal((4, 0, 4), (shipped.OnHand, shipped.Committed, shipped.Available));
    }

    [Fact]
    public void Apply_CountArrivingAfterALaterShipment_KeepsTheShipment()
    {
        var sold = StockRules.Apply(new StockLevel(5), InventoryEventKind.Sale, 1, at: T0).After;
        var shipped = StockRules.Apply(sold, InventoryEventKind.Fulfilment, 1, at: T0.AddHours(4)).After;

        // Counted 5 at T0+3h (the sold unit still packed on the shelf); the count's event came in late.
        var counted = StockRules.Apply(shipped, InventoryEventKind.Count, 5, at: T0.AddHours(3)).After;

        Assert.Equal((4, 0, 4), (counted.OnHand, counted.Committed, counted.Available));
    }

    [Fact]
    public void Apply_ShipmentStampedInTheCountsSecond_CountsAsAfterIt()
    {
        // Shopify stamps whole seconds: shipped at 12:00:00.9, stamped 12:00:00; counted at 12:00:00.7.
        var sold = StockRules.Apply(new StockLevel(5), InventoryEventKind.Sale, 1, at: T0).After;
        var counted = StockRules.Apply(sold, InventoryEventKind.Count, 5, at: T0.AddHours(3).AddMilliseconds(700)).After;

        var shipped = StockRules.Apply(counted, InventoryEventKind.Fulfilment, 1, at: T0.AddHours(3)).After;

        Assert.Equal((4, 0, 4), (shipped.OnHand, shipped.Committed, shipped.Available));
    }

    [Fact]
    public void Apply_CountOlderThanTheLastCount_ChangesNothing()
    {
        var newer = StockRules.Apply(new StockLevel(5), InventoryEventKind.Count, 3, at: T0.AddHours(1)).After;

        Assert.Equal(3, StockRules.Apply(newer, InventoryEventKind.Count, 9, at: T0).After.OnHand);
    }

    [Fact]
    public void Apply_LinesSoldBeforeCommitmentsWereKept_ShipmentMovesNothingCancellationRestocks()
    {
        // A row from before the upgrade: its old sales already took their units off on hand.
        var migrated = StockLevel.Migrated(available: 6, pendingInspection: 0, since: T0);

        var shipped = StockRules.Apply(migrated, InventoryEventKind.Fulfilment, 1, at: T0.AddHours(1), soldAt: T0.AddDays(-1)).After;
        var cancelled = StockRules.Apply(migrated, InventoryEventKind.Cancellation, 1, at: T0.AddHours(1), soldAt: T0.AddDays(-1)).After;
        var newSale = StockRules.Apply(migrated, InventoryEventKind.Sale, 1, at: T0.AddHours(1)).After;

        Assert.Equal((6, 0, 6), (shipped.OnHand, shipped.Committed, shipped.Available));
        Assert.Equal((7, 0, 7), (cancelled.OnHand, cancelled.Committed, cancelled.Available));
        Assert.Equal((6, 1, 5), (newSale.OnHand, newSale.Committed, newSale.Available));
    }

    [Fact]
    public void Apply_AnyOrderOfSalesShipmentsCancellationsAndCounts_EndsAtTheShelfsTruth()
    {
        // A shelf's real history, in time order: orders placed, some shipped, some cancelled, units
        // breaking unseen, and counts of the shelf (packed units included). Delivered to the ledger in
        // any order, the row ends with on hand = the last count plus what shipped after it, committed =
        // sold less shipped less cancelled, and available = on hand - committed: no unit counted twice.
        var histories = Gen.Choose(0, 40).SelectMany(start => Gen.Choose(0, 4).ListOf(30).Select(steps => History(start, steps.ToList())));
        var property = Prop.ForAll(
            histories.ToArbitrary(),
            Gen.Choose(0, 100_000).ToArbitrary(),
            (history, seed) =>
            {
                var delivered = history.Events.OrderBy(_ => new Random(seed).Next()).ToList();
                var level = delivered.Aggregate(new StockLevel(history.Start), (l, e) => StockRules.Apply(l, e.Kind, e.Units, at: e.At).After);
                return level.OnHand == history.OnHand
                    && level.Committed == history.Committed
                    && level.Available == level.OnHand - level.Committed;
            });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300).WithReplay(2026UL, 19UL), property);
    }

    /// <summary>Builds a consistent history from random choices: 0 sells a unit, 1 ships the oldest
    /// unshipped unit, 2 cancels the newest, 3 breaks a unit unseen and counts the shelf, 4 cancels a shipment (the unit
    /// is back on the shelf, committed to its order again).</summary>
    private static ShelfHistory History(int start, List<int> steps)
    {
        var events = new List<TimedEvent>();
        var shelf = start;
        var open = 0;
        var committed = 0;
        var countedShelf = (int?)null;
        var shipped = 0;
        var movedSinceCount = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            var at = T0.AddMinutes(i);
            switch (steps[i])
            {
                case 0:
                    events.Add(new TimedEvent(InventoryEventKind.Sale, 1, at));
                    open++;
                    committed++;
                    break;
                case 1 when open > 0:
                    events.Add(new TimedEvent(InventoryEventKind.Fulfilment, 1, at));
                    open--;
                    committed--;
                    shelf--;
                    shipped++;
                    movedSinceCount--;
                    break;
                case 2 when open > 0:
                    events.Add(new TimedEvent(InventoryEventKind.Cancellation, 1, at));
                    open--;
                    committed--;
                    break;
                case 3:
                    shelf = Math.Max(0, shelf - 1);
                    events.Add(new TimedEvent(InventoryEventKind.Count, shelf, at));
                    countedShelf = shelf;
                    movedSinceCount = 0;
                    break;
                case 4 when shipped > 0:
                    events.Add(new TimedEvent(InventoryEventKind.FulfilmentCancelled, 1, at));
                    shipped--;
                    open++;
                    committed++;
                    shelf++;
                    movedSinceCount++;
                    break;
            }
        }

        return new ShelfHistory(start, events, (countedShelf ?? start) + movedSinceCount, committed);
    }

    private sealed record TimedEvent(InventoryEventKind Kind, int Units, DateTimeOffset At);

    private sealed record ShelfHistory(int Start, IReadOnlyList<TimedEvent> Events, int OnHand, int Committed);

    [Fact]
    public void Commutes_OnlyCountDependsOnOrder()
    {
        Assert.All(CommutingKinds, k => Assert.True(StockRules.Commutes(k)));
        Assert.False(StockRules.Commutes(InventoryEventKind.Count));
    }

    private static StockLevel Run(IEnumerable<(InventoryEventKind Kind, int Units)> events) =>
        events.Aggregate(new StockLevel(50), (level, e) => StockRules.Apply(level, e.Kind, e.Units).After);
}
