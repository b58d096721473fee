using FuncSync.Domain.Allocation;

namespace FuncSync.Domain.Simulation;

/// <summary>One policy's run: the channels' counters, the real stock, the hub's ledger and push
/// records, and a time-ordered event queue (milliseconds).</summary>
internal sealed class Market
{
    private readonly FlashSaleScenario _scenario;
    private readonly IReadOnlyList<FlashSaleSimulator.Buyer> _buyers;
    private readonly Random _random;
    private readonly int _channels;
    private readonly int[,] _shown;
    private readonly int[] _stock;
    private readonly PriorityQueue<Action, (long At, long Seq)> _events = new();
    private long _seq;
    private long _now;
    private long _visible;
    private double _visibleIntegral;
    private long _visibleSince;
    private int _sold;
    private int _oversold;
    private int _lost;
    private int _pushes;

    // Event-driven hub state.
    private int[] _ledger = [];
    private long[] _version = [];
    private long[,] _soldSeen = new long[0, 0];
    private Record?[,] _records = new Record?[0, 0];
    private bool[,] _pending = new bool[0, 0];
    private bool[,] _inFlight = new bool[0, 0];
    private bool[,] _rerun = new bool[0, 0];

    public Market(FlashSaleScenario scenario, IReadOnlyList<FlashSaleSimulator.Buyer> buyers)
    {
        _scenario = scenario;
        _buyers = buyers;
        _random = new Random(scenario.Seed + 1);
        _channels = scenario.Channels.Count;
        _shown = new int[scenario.Items, _channels];
        _stock = Enumerable.Repeat(scenario.UnitsPerItem, scenario.Items).ToArray();
    }

    private long End => (long)_scenario.Duration.TotalMilliseconds;

    public FlashSaleResult RunBatch(BatchSync policy)
    {
        var sinceSync = new int[_scenario.Items];
        var master = Enumerable.Repeat(_scenario.UnitsPerItem, _scenario.Items).ToArray();
        SetAll(i => master[i]);
        var interval = (long)policy.Interval.TotalMilliseconds;
        for (var at = interval; at < End; at += interval)
        {
            At(at, () =>
            {
                for (var i = 0; i < _scenario.Items; i++)
                {
                    master[i] -= sinceSync[i];
                    sinceSync[i] = 0;
                }

                SetAll(i => Math.Max(0, master[i]));
            });
        }

        return Run(policy.Name, (item, _) => sinceSync[item]++);
    }

    public FlashSaleResult RunEventDriven(EventDriven policy)
    {
        var items = _scenario.Items;
        _ledger = Enumerable.Repeat(_scenario.UnitsPerItem, items).ToArray();
        _version = new long[items];
        _soldSeen = new long[items, _channels];
        _records = new Record?[items, _channels];
        _pending = new bool[items, _channels];
        _inFlight = new bool[items, _channels];
        _rerun = new bool[items, _channels];
        var rules = _scenario.Channels.Select((c, i) => new ChannelRule<int>(i, c.Priority, policy.Buffers[i])).ToList();
        var threshold = policy.Allocation.EffectiveThreshold();

        // Before the drop the hub has already pushed every listing to its share.
        for (var i = 0; i < items; i++)
        {
            var shares = ChannelAllocation.Allocate(_ledger[i], rules, threshold);
            for (var c = 0; c < _channels; c++)
            {
                SetShown(i, c, shares[c]);
                _records[i, c] = new Record(new ChannelView(shares[c], 0), shares[c], false, 0);
            }
        }

        return Run(policy.Name, (item, channel) => At(_now + InboundLag(channel), () => SaleReachesHub(item, channel, rules, threshold)));
    }

    private FlashSaleResult Run(string name, Action<int, int> onSale)
    {
        foreach (var buyer in _buyers)
        {
            At(buyer.At, () => Arrive(buyer, onSale));
        }

        while (_events.TryDequeue(out var action, out var key) && key.At < End)
        {
            _now = key.At;
            action();
        }

        AccumulateVisible(End);
        return new FlashSaleResult(name, _buyers.Count, _sold, _oversold, _lost, _visibleIntegral / End, _pushes, _oversold * _scenario.Cost.PerUnit);
    }

    private void Arrive(FlashSaleSimulator.Buyer buyer, Action<int, int> onSale)
    {
        if (_shown[buyer.Item, buyer.Channel] <= 0)
        {
            if (_stock[buyer.Item] > 0)
            {
                _lost++;
            }

            return;
        }

        SetShown(buyer.Item, buyer.Channel, _shown[buyer.Item, buyer.Channel] - 1);
        if (_stock[buyer.Item] > 0)
        {
            _sold++;
        }
        else
        {
            _oversold++;
        }

        _stock[buyer.Item]--;
        onSale(buyer.Item, buyer.Channel);
    }

    private void SaleReachesHub(int item, int channel, IReadOnlyList<ChannelRule<int>> rules, int threshold)
    {
        // The ledger applies the sale and counts it against its channel in one transaction.
        _ledger[item]--;
        _soldSeen[item, channel]++;
        _version[item]++;
        for (var c = 0; c < _channels; c++)
        {
            RequestPush(item, c, rules, threshold);
        }
    }

    /// <summary>Level-triggered: a push already queued for the listing absorbs this one.</summary>
    private void RequestPush(int item, int channel, IReadOnlyList<ChannelRule<int>> rules, int threshold)
    {
        if (_pending[item, channel])
        {
            return;
        }

        _pending[item, channel] = true;
        At(_now + Between(_scenario.QueueMin, _scenario.QueueMax), () => Push(item, channel, rules, threshold));
    }

    /// <param name="retry">A retry of a write that did not land: the ledger may not have moved, but the
    /// channel has to be looked at again.</param>
    private void Push(int item, int channel, IReadOnlyList<ChannelRule<int>> rules, int threshold, bool retry = false)
    {
        _pending[item, channel] = false;
        if (_inFlight[item, channel])
        {
            _rerun[item, channel] = true;
            return;
        }

        // This push looks at the latest state, so a rerun asked for meanwhile is covered.
        _rerun[item, channel] = false;
        var last = _records[item, channel];
        if (!retry && last is not null && last.Version >= _version[item] && !last.Held)
        {
            return;
        }

        // The app reads the ledger (quantity and sold counters) before the channel; here both are one instant.
        var current = _shown[item, channel];
        var soldSeen = _soldSeen[item, channel];
        var version = _version[item];
        var decision = PushRule.Decide(channel, current, _ledger[item], rules, threshold, c => _records[item, c]?.View, c => _soldSeen[item, c]);
        if (decision.Action != PushAction.Write)
        {
            Store(item, channel, new Record(decision.View(current, soldSeen), decision.Share, decision.Action == PushAction.Defer, version), rules, threshold);
            return;
        }

        var spec = _scenario.Channels[channel];
        _pushes++;
        var outcome = _random.NextDouble();
        if (outcome < spec.RateLimitedRate + spec.FailureRate)
        {
            var wait = outcome < spec.RateLimitedRate ? _scenario.RateLimitRetry : _scenario.FailureRetry;
            _pending[item, channel] = true;
            At(_now + (long)wait.TotalMilliseconds, () => Push(item, channel, rules, threshold, retry: true));
            return;
        }

        var target = decision.Target;
        if (decision.IsProtected && target > current && last is not null)
        {
            // The rise is announced before it is written, so a channel deciding meanwhile counts it.
            _records[item, channel] = last with { View = last.View with { Reserved = target } };
        }

        _inFlight[item, channel] = true;
        At(_now + Between(spec.PushMin, spec.PushMax), () =>
        {
            _inFlight[item, channel] = false;
            if (_shown[item, channel] != current)
            {
                // Compare-and-set refused (a buyer bought meanwhile): re-read, and the difference is
                // the channel's unseen sale; re-derive.
                Push(item, channel, rules, threshold, retry: true);
                return;
            }

            SetShown(item, channel, target);
            Store(item, channel, new Record(decision.View(target, soldSeen), decision.Share, false, version), rules, threshold);
            if (_rerun[item, channel])
            {
                _rerun[item, channel] = false;
                RequestPush(item, channel, rules, threshold);
            }
        });
    }

    /// <summary>Mirrors the app: a channel that now holds fewer units than it did (a decrease, or a
    /// reservation given up) wakes channels waiting for units; a channel left waiting re-checks.</summary>
    private void Store(int item, int channel, Record record, IReadOnlyList<ChannelRule<int>> rules, int threshold)
    {
        var before = _records[item, channel];
        _records[item, channel] = record;
        if (before is not null && record.View.AtMost < before.View.AtMost)
        {
            for (var c = 0; c < _channels; c++)
            {
                if (c != channel && _records[item, c] is { Held: true })
                {
                    RequestPush(item, c, rules, threshold);
                }
            }
        }

        if (record.Held && PushRule.Decide(channel, record.View.Shown, _ledger[item], rules, threshold, c => _records[item, c]?.View, c => _soldSeen[item, c]).Target > record.View.Shown)
        {
            RequestPush(item, channel, rules, threshold);
        }
    }

    /// <summary>When a sale made now reaches the hub: a notification's lag, or the next poll plus its latency.</summary>
    private long InboundLag(int channel)
    {
        var spec = _scenario.Channels[channel];
        var latency = Between(spec.NotifyMin, spec.NotifyMax);
        if (spec.PollInterval is not { } interval)
        {
            return latency;
        }

        var every = (long)interval.TotalMilliseconds;
        return (every - (_now % every)) + latency;
    }

    private void SetAll(Func<int, int> quantity)
    {
        for (var i = 0; i < _scenario.Items; i++)
        {
            var q = quantity(i);
            for (var c = 0; c < _channels; c++)
            {
                SetShown(i, c, q);
            }
        }
    }

    private void SetShown(int item, int channel, int quantity)
    {
        AccumulateVisible(_now);
        _visible += quantity - _shown[item, channel];
        _shown[item, channel] = quantity;
    }

    private void AccumulateVisible(long until)
    {
        _visibleIntegral += (double)_visible * (until - _visibleSince);
        _visibleSince = until;
    }

    private long Between(TimeSpan min, TimeSpan max) =>
        (long)(min.TotalMilliseconds + (_random.NextDouble() * (max.TotalMilliseconds - min.TotalMilliseconds)));

    private void At(long at, Action action) => _events.Enqueue(action, (at, _seq++));

    /// <summary>The push record. Held: shows less than its share while waiting for other channels
    /// to give units back.</summary>
    private sealed record Record(ChannelView View, int Target, bool Deferred, long Version)
    {
        public bool Held => !Deferred && View.Shown < Target;
    }
}
