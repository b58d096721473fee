using FuncSync.Hosting.Functions;

namespace FuncSync.Hosting;

/// <summary>Every function declared through <see cref="FunctionsBuilder"/>, in declaration order.</summary>
public interface IFunctionCatalog
{
    IReadOnlyList<FunctionMetadata> Functions { get; }
}

internal sealed class FunctionCatalog : IFunctionCatalog
{
    private readonly List<FunctionMetadata> _functions = [];

    public IReadOnlyList<FunctionMetadata> Functions => _functions;

    public FunctionMetadata? Find(string name) =>
        _functions.Find(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public void Add(FunctionMetadata function)
    {
        if (Find(function.Name) is not null)
        {
            throw new InvalidOperationException($"A function named '{function.Name}' is already registered.");
        }

        _functions.Add(function);
    }
}
