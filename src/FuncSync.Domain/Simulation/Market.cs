using FuncSync.Domain.Allocation;

namespace FuncSync.Domain.Simulation;

/// <summary>One policy's run: the channels' counters, the real stock, the hub's ledger and push
/// records, and a time-ordered event queue (milliseconds).</summary>
internal sealed class Market
{
    private readonly FlashSaleScenario _scenario;
    private readonly IReadOnlyList<FlashSaleSimulator.Buyer> _buyers;
    private readonly IReadOnlyList<int> _startUnits;
    private readonly Random _random;
    private readonly int _channels;
    private readonly int[,] _shown;
    private readonly int[] _stock;
    private readonly bool[] _restocking;
    private readonly int[] _restocks;
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
    private EventDriven? _policy;
    private IReadOnlyList<ChannelRule<int>> _rules = [];
    private int[] _ledger = [];
    private long[] _version = [];
    private List<(DateTimeOffset At, int Units)>[] _hubSales = [];
    private long[,] _soldSeen = new long[0, 0];
    private Record?[,] _records = new Record?[0, 0];
    private bool[,] _pending = new bool[0, 0];
    private bool[,] _inFlight = new bool[0, 0];
    private bool[,] _rerun = new bool[0, 0];
    private bool[] _recheck = [];

    public Market(FlashSaleScenario scenario, IReadOnlyList<FlashSaleSimulator.Buyer> buyers, IReadOnlyList<int> startUnits)
    {
        _scenario = scenario;
        _buyers = buyers;
        _startUnits = startUnits;
        _random = new Random(scenario.Seed + 1);
        _channels = scenario.Channels.Count;
        _shown = new int[scenario.Items, _channels];
        _stock = startUnits.ToArray();
        _restocking = new bool[scenario.Items];
        _restocks = new int[scenario.Items];
    }

    private long End => (long)_scenario.Duration.TotalMilliseconds;

    public FlashSaleResult RunBatch(BatchSync policy)
    {
        var sinceSync = new int[_scenario.Items];
        var master = _startUnits.ToArray();
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

        // A restock is entered in the tool and reaches the channels with its next sync.
        return Run(policy.Name, (item, _) => sinceSync[item]++, item => master[item] += _startUnits[item]);
    }

    public FlashSaleResult RunEventDriven(EventDriven policy)
    {
        var items = _scenario.Items;
        _policy = policy;
        _ledger = _startUnits.ToArray();
        _version = new long[items];
        _hubSales = Enumerable.Range(0, items).Select(_ => new List<(DateTimeOffset, int)>()).ToArray();
        _soldSeen = new long[items, _channels];
        _records = new Record?[items, _channels];
        _pending = new bool[items, _channels];
        _inFlight = new bool[items, _channels];
        _rerun = new bool[items, _channels];
        _recheck = new bool[items];
        _rules = _scenario.Channels.Select((c, i) => new ChannelRule<int>(i, c.Priority, policy.Buffers[i])).ToList();

        // Before the drop the hub has already pushed every listing to its share.
        for (var i = 0; i < items; i++)
        {
            var shares = ChannelAllocation.Allocate(_ledger[i], _rules, Threshold(i));
            for (var c = 0; c < _channels; c++)
            {
                SetShown(i, c, shares[c]);
                _records[i, c] = new Record(new ChannelView(shares[c], 0), shares[c], false, 0);
            }
        }

        var launchEnd = (long)_scenario.Launch.TotalMilliseconds;
        if (policy.LaunchScheduled && launchEnd < End)
        {
            // Like the app: when the launch ends, its SKUs are pushed again under the risk rule.
            At(launchEnd, () => PushEverything(items));
        }

        return Run(policy.Name, (item, channel) =>
        {
            var soldAt = _now;
            At(_now + InboundLag(channel), () => SaleReachesHub(item, channel, soldAt));
        }, Receive);
    }

    private void PushEverything(int items)
    {
        for (var i = 0; i < items; i++)
        {
            _version[i]++;
            for (var c = 0; c < _channels; c++)
            {
                RequestPush(i, c);
            }
        }
    }

    /// <summary>The threshold the push works with for <paramref name="item"/> now: the seller's, strict
    /// during a scheduled launch, or derived from the hub's sales of the item and the channels' worst lag.</summary>
    private int Threshold(int item)
    {
        var policy = _policy!;
        if (policy.LaunchScheduled && _now < (long)_scenario.Launch.TotalMilliseconds)
        {
            return AllocationPolicy.Strict.EffectiveThreshold();
        }

        if (!policy.Allocation.UsesDerivedThreshold)
        {
            return policy.Allocation.EffectiveThreshold();
        }

        // The app reads eight half-lives of history; older sales have all but faded anyway.
        var now = Clock(_now);
        var since = now - (_scenario.VelocityHalfLife * 8);
        var velocity = DerivedThreshold.Velocity(_hubSales[item].Where(s => s.At >= since), now, _scenario.VelocityHalfLife);
        var lag = WorstLag();
        return policy.Allocation.EffectiveThreshold(policy.Derived switch
        {
            DerivedRule.AtLeastOneOnceSold => velocity.Sales == 0 ? 0 : (int)Math.Clamp(Math.Ceiling(velocity.UnitsPerHour * lag.TotalHours), 1, int.MaxValue),
            _ => DerivedThreshold.From(velocity, lag, _scenario.Tolerance),
        });
    }

    // The old rule had no re-check: its partition stayed until the SKU's next sale or receipt.
    private bool ProtectedByDerivedThreshold() =>
        _policy!.Allocation.UsesDerivedThreshold && _policy.Derived == DerivedRule.Risk && !(_policy.LaunchScheduled && _now < (long)_scenario.Launch.TotalMilliseconds);

    /// <summary>Like the app: a SKU partitioned by a derived threshold is pushed again after
    /// <see cref="OversellTolerance.RecheckEvery"/>, so the partition lapses with its risk.</summary>
    private void ScheduleRecheck(int item)
    {
        if (_recheck[item])
        {
            return;
        }

        _recheck[item] = true;
        At(_now + (long)_scenario.Tolerance.RecheckEvery.TotalMilliseconds, () =>
        {
            _recheck[item] = false;
            _version[item]++;
            for (var c = 0; c < _channels; c++)
            {
                RequestPush(item, c);
            }
        });
    }

    /// <summary>The longest time a sale can take to reach the hub: what the app measures as the worst lag.</summary>
    private TimeSpan WorstLag() => _scenario.Channels.Max(c => (c.PollInterval ?? TimeSpan.Zero) + c.NotifyMax);

    private static DateTimeOffset Clock(long ms) => DateTimeOffset.UnixEpoch.AddMilliseconds(ms);

    private FlashSaleResult Run(string name, Action<int, int> onSale, Action<int> onRestock)
    {
        foreach (var buyer in _buyers)
        {
            At(buyer.At, () => Arrive(buyer, onSale, onRestock));
        }

        while (_events.TryDequeue(out var action, out var key) && key.At < End)
        {
            _now = key.At;
            action();
        }

        AccumulateVisible(End);
        return new FlashSaleResult(name, _buyers.Count, _sold, _oversold, _lost, _visibleIntegral / End, _pushes, _oversold * _scenario.Cost.PerUnit);
    }

    private void Arrive(FlashSaleSimulator.Buyer buyer, Action<int, int> onSale, Action<int> onRestock)
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
        if (_stock[buyer.Item] <= 0 && !_restocking[buyer.Item] && _scenario.RestockMin is { } min && _scenario.RestockMax is { } max)
        {
            // The maker notices the empty shelf and makes the item again.
            _restocking[buyer.Item] = true;
            At(_now + RestockDelay(buyer.Item, min, max), () =>
            {
                _restocking[buyer.Item] = false;
                _stock[buyer.Item] += _startUnits[buyer.Item];
                onRestock(buyer.Item);
            });
        }
    }

    /// <summary>The seller records new units at the hub: the ledger rises and every listing is pushed.</summary>
    private void Receive(int item)
    {
        _ledger[item] += _startUnits[item];
        _version[item]++;
        for (var c = 0; c < _channels; c++)
        {
            RequestPush(item, c);
        }
    }

    private void SaleReachesHub(int item, int channel, long soldAt)
    {
        // The ledger applies the sale and counts it against its channel in one transaction.
        _ledger[item]--;
        _soldSeen[item, channel]++;
        _version[item]++;
        _hubSales[item].Add((Clock(soldAt), 1));
        for (var c = 0; c < _channels; c++)
        {
            RequestPush(item, c);
        }
    }

    /// <summary>Level-triggered: a push already queued for the listing absorbs this one.</summary>
    private void RequestPush(int item, int channel)
    {
        if (_pending[item, channel])
        {
            return;
        }

        _pending[item, channel] = true;
        At(_now + Between(_scenario.QueueMin, _scenario.QueueMax), () => Push(item, channel));
    }

    /// <param name="retry">A retry of a write that did not land: the ledger may not have moved, but the
    /// channel has to be looked at again.</param>
    private void Push(int item, int channel, bool retry = false)
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
        var decision = PushRule.Decide(channel, current, _ledger[item], _rules, Threshold(item), c => _records[item, c]?.View, c => _soldSeen[item, c]);
        if (decision.IsProtected && decision.Left > 0 && ProtectedByDerivedThreshold())
        {
            ScheduleRecheck(item);
        }

        if (decision.Action != PushAction.Write)
        {
            Store(item, channel, new Record(decision.View(current, soldSeen), decision.Share, decision.Action == PushAction.Defer, version));
            return;
        }

        var spec = _scenario.Channels[channel];
        _pushes++;
        var outcome = _random.NextDouble();
        if (outcome < spec.RateLimitedRate + spec.FailureRate)
        {
            var wait = outcome < spec.RateLimitedRate ? _scenario.RateLimitRetry : _scenario.FailureRetry;
            _pending[item, channel] = true;
            At(_now + (long)wait.TotalMilliseconds, () => Push(item, channel, retry: true));
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
                Push(item, channel, retry: true);
                return;
            }

            SetShown(item, channel, target);
            Store(item, channel, new Record(decision.View(target, soldSeen), decision.Share, false, version));
            if (_rerun[item, channel])
            {
                _rerun[item, channel] = false;
                RequestPush(item, channel);
            }
        });
    }

    /// <summary>Mirrors the app: a channel that now holds fewer units than it did (a decrease, or a
    /// reservation given up) wakes channels waiting for units; a channel left waiting re-checks.</summary>
    private void Store(int item, int channel, Record record)
    {
        var before = _records[item, channel];
        _records[item, channel] = record;
        if (before is not null && record.View.AtMost < before.View.AtMost)
        {
            for (var c = 0; c < _channels; c++)
            {
                if (c != channel && _records[item, c] is { Held: true })
                {
                    RequestPush(item, c);
                }
            }
        }

        if (record.Held && PushRule.Decide(channel, record.View.Shown, _ledger[item], _rules, Threshold(item), c => _records[item, c]?.View, c => _soldSeen[item, c]).Target > record.View.Shown)
        {
            RequestPush(item, channel);
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

    /// <summary>The maker's delay for an item's next restock: drawn per item and restock, so every
    /// policy meets the same maker however its sales went.</summary>
    private long RestockDelay(int item, TimeSpan min, TimeSpan max)
    {
        var draw = new Random(unchecked((_scenario.Seed * 1_000_003) + (item * 7_919) + _restocks[item]++)).NextDouble();
        return (long)(min.TotalMilliseconds + (draw * (max.TotalMilliseconds - min.TotalMilliseconds)));
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
