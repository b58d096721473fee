using Azure.Data.Tables;
using FuncSync.Storage;

namespace FuncSync.App.Tests.Storage;

public sealed class TableBatchTests
{
    [Fact]
    public void Validate_MixedPartitions_Throws()
    {
        var actions = new[] { Add("p1", "a"), Add("p2", "b") };

        var error = Assert.Throws<InvalidOperationException>(() => TableBatch.Validate(actions));
        Assert.Contains("one partition", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameRowTwice_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => TableBatch.Validate([Add("p", "a"), Add("p", "a")]));
    }

    [Fact]
    public void Validate_MoreThanHundredActions_Throws()
    {
        var actions = Enumerable.Range(0, 101).Select(i => Add("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();

        Assert.Throws<InvalidOperationException>(() => TableBatch.Validate(actions));
    }

    [Fact]
    public void Validate_PayloadOverLimit_Throws()
    {
        var big = new string('x', 30_000);
        var actions = Enumerable.Range(0, 100).Select(i => new TableTransactionAction(
            TableTransactionActionType.Add,
            new TableEntity("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture)) { ["A"] = big, ["B"] = big })).ToList();

        Assert.Throws<InvalidOperationException>(() => TableBatch.Validate(actions));
    }

    [Fact]
    public void Validate_OnePartitionDistinctRows_ReturnsActions()
    {
        var actions = new[] { Add("p", "a"), Add("p", "b") };

        Assert.Same(actions, TableBatch.Validate(actions));
    }

    private static TableTransactionAction Add(string partition, string row) =>
        new(TableTransactionActionType.Add, new TableEntity(partition, row));
}
