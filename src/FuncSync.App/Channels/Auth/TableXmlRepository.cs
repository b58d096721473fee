using System.Xml.Linq;
using Azure.Data.Tables;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace FuncSync.Channels.Auth;

/// <summary>Keeps the Data Protection key ring in a table of the app's storage account, so every instance
/// (and every restart) decrypts what another encrypted. Azure.Extensions.AspNetCore.DataProtection.Blobs is
/// not available to this build, and a key is a small XML element, well inside a table property.</summary>
public sealed class TableXmlRepository(TableClient table) : IXmlRepository
{
    private const string Partition = "keys";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        table.CreateIfNotExists();
        return table.Query<TableEntity>(e => e.PartitionKey == Partition)
            .Select(e => XElement.Parse(e.GetString("Xml")))
            .ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        table.CreateIfNotExists();

        // Key ids are GUIDs, valid row keys; the add fails rather than overwrite a key with the same name.
        table.AddEntity(new TableEntity(Partition, friendlyName) { ["Xml"] = element.ToString(SaveOptions.DisableFormatting) });
    }
}
