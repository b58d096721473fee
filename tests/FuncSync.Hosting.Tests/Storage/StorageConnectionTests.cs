using Azure.Core;
using Azure.Storage.Queues;
using FuncSync.Hosting.Storage;
using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting.Tests.Storage;

public sealed class StorageConnectionTests
{
    private const string Name = "AzureWebJobsStorage";

    [Fact]
    public void Read_ConnectionString_UsedAsIs()
    {
        var connection = StorageConnection.Read(Configuration((Name, "UseDevelopmentStorage=true")), Name);

        Assert.False(connection.UsesIdentity);
        Assert.Equal("UseDevelopmentStorage=true", connection.ConnectionString);
    }

    [Fact]
    public void Read_AccountName_DerivesTheThreeServiceUris()
    {
        // Environment variables spell it AzureWebJobsStorage__accountName; configuration sees ':'.
        var connection = StorageConnection.Read(Configuration(($"{Name}:accountName", "stfuncsync")), Name);

        Assert.True(connection.UsesIdentity);
        Assert.Equal(new Uri("https://stfuncsync.blob.core.windows.net/"), connection.BlobServiceUri);
        Assert.Equal(new Uri("https://stfuncsync.queue.core.windows.net/"), connection.QueueServiceUri);
        Assert.Equal(new Uri("https://stfuncsync.table.core.windows.net/"), connection.TableServiceUri);
        Assert.Null(connection.ManagedIdentityClientId);
    }

    [Fact]
    public void Read_ServiceUriAndClientId_OverrideTheDerivedUriAndNameTheIdentity()
    {
        var connection = StorageConnection.Read(
            Configuration(
                ($"{Name}:accountName", "stfuncsync"),
                ($"{Name}:tableServiceUri", "https://stfuncsync.table.core.usgovcloudapi.net/"),
                ($"{Name}:clientId", "00000000-0000-0000-0000-000000000001")),
            Name);

        Assert.Equal(new Uri("https://stfuncsync.table.core.usgovcloudapi.net/"), connection.TableServiceUri);
        Assert.Equal(new Uri("https://stfuncsync.queue.core.windows.net/"), connection.QueueServiceUri);
        Assert.Equal("00000000-0000-0000-0000-000000000001", connection.ManagedIdentityClientId);
    }

    [Fact]
    public void Read_OnlySomeServiceUris_ThrowsNamingTheMissingSettings()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            StorageConnection.Read(Configuration(($"{Name}:queueServiceUri", "https://st.queue.core.windows.net/")), Name));

        Assert.Contains($"{Name}__blobServiceUri", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Name}__tableServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Not_A_Name")]
    [InlineData("ab")]
    public void Read_InvalidAccountName_Throws(string accountName) =>
        Assert.Throws<InvalidOperationException>(() => StorageConnection.Read(Configuration(($"{Name}:accountName", accountName)), Name));

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("UseDevelopmentStorage=true", null, true)]
    [InlineData(null, "stfuncsync", true)]
    public void IsConfigured_ConnectionStringOrIdentitySetting_Counts(string? connectionString, string? accountName, bool expected) =>
        Assert.Equal(expected, StorageConnection.IsConfigured(Configuration((Name, connectionString), ($"{Name}:accountName", accountName)), Name));

    [Fact]
    public void FromConnection_Identity_EveryClientTargetsItsServiceUri()
    {
        var connection = StorageConnection.Read(Configuration(($"{Name}:accountName", "stfuncsync")), Name);

        var clients = StorageClients.FromConnection(connection, new UnusedCredential());

        Assert.Equal(new Uri("https://stfuncsync.queue.core.windows.net/inventory-events"), clients.Queue("inventory-events").Uri);
        Assert.Equal(new Uri("https://stfuncsync.queue.core.windows.net/alerts"), clients.CreateQueueClient("alerts", new QueueClientOptions()).Uri);
        Assert.Equal("stfuncsync", clients.Tables.AccountName);
        Assert.Equal(new Uri("https://stfuncsync.blob.core.windows.net/"), clients.Blobs.Uri);
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>Building clients takes no token; a test that reached for one would be talking to Azure.</summary>
    private sealed class UnusedCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No token in unit tests.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No token in unit tests.");
    }
}
