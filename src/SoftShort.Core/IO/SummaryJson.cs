using System.Text.Json;
using System.Text.Json.Nodes;

namespace SoftShort.IO;

/// <summary>
/// The <c>summary.json</c> every directory-output command writes: key numbers with <c>snake_case_with_unit</c> keys,
/// and the parameters used (CONVENTIONS.md). Keys keep insertion order. Non-finite numbers are written as null.
/// </summary>
public sealed class SummaryJson
{
    readonly JsonObject _root = new();
    readonly JsonObject _parameters = new();

    public SummaryJson(string command)
    {
        _root["command"] = command;
        _root["softshort_version"] = typeof(SummaryJson).Assembly.GetName().Version?.ToString();
        _root["parameters"] = _parameters;
    }

    /// <summary>Records a parameter of the run.</summary>
    public SummaryJson Parameter(string key, object? value) { _parameters[key] = ToNode(value); return this; }

    /// <summary>Records a result (a number, string, array or nested object).</summary>
    public SummaryJson Set(string key, object? value) { _root[key] = ToNode(value); return this; }

    /// <summary>Records a group of results under one key (e.g. one per report section).</summary>
    public SummaryJson Group(string key, IEnumerable<KeyValuePair<string, object?>> values)
    {
        var o = new JsonObject();
        foreach (var kv in values) o[kv.Key] = ToNode(kv.Value);
        _root[key] = o;
        return this;
    }

    public JsonObject Root => _root;

    public string ToJson() => _root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public void Write(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    static JsonNode? ToNode(object? v) => v switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
        float f => float.IsFinite(f) ? JsonValue.Create((double)f) : null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        IEnumerable<double> ds => new JsonArray(ds.Select(x => double.IsFinite(x) ? (JsonNode?)JsonValue.Create(x) : null).ToArray()),
        IEnumerable<KeyValuePair<string, object?>> kvs => new JsonObject(kvs.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, ToNode(kv.Value)))),
        _ => JsonValue.Create(v.ToString()),
    };
}
