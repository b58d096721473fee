using FuncSync.Hosting.Functions;

namespace FuncSync.Hosting;

/// <summary>The functions this process serves in local mode, read from their <c>[Function]</c> attributes.</summary>
public interface IFunctionCatalog
{
    IReadOnlyList<FunctionMetadata> Functions { get; }
}

internal sealed class FunctionCatalog(IReadOnlyList<FunctionMetadata> functions) : IFunctionCatalog
{
    public IReadOnlyList<FunctionMetadata> Functions { get; } = functions;
}
