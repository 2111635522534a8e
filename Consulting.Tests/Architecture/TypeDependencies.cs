using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Consulting.Tests.Architecture;

/// <summary>One use of a type by another: who uses it and the full name of what is used.</summary>
public sealed record TypeUse(string User, string UserNamespace, string Used, string UsedNamespace);

/// <summary>
/// Every type a compiled assembly's types use: signatures, attributes, base types and method bodies
/// (a <c>new</c>, a call, a field read, a cast), so a dependency hidden inside a method counts as much
/// as one in a constructor's parameters. A nested type (a lambda's closure, an async state machine)
/// counts as its outermost type.
/// </summary>
public static class TypeDependencies
{
    public static IReadOnlyList<TypeUse> Read(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var uses = new HashSet<TypeUse>();
        foreach (var type in module.GetTypes())
        {
            var outer = type;
            while (outer.DeclaringType is not null) outer = outer.DeclaringType;
            if (outer.Name == "<Module>") continue;
            var collector = new Collector(outer.FullName, outer.Namespace, uses);
            collector.Visit(type);
        }
        return [.. uses];
    }

    private sealed class Collector(string user, string userNamespace, HashSet<TypeUse> uses)
    {
        private readonly HashSet<TypeReference> seen = [];

        public void Visit(TypeDefinition type)
        {
            Add(type.BaseType);
            foreach (var i in type.Interfaces) Add(i.InterfaceType);
            Attributes(type);
            foreach (var g in type.GenericParameters) foreach (var c in g.Constraints) Add(c.ConstraintType);
            foreach (var f in type.Fields) { Add(f.FieldType); Attributes(f); }
            foreach (var p in type.Properties) { Add(p.PropertyType); Attributes(p); }
            foreach (var e in type.Events) Add(e.EventType);
            foreach (var m in type.Methods) Method(m);
        }

        private void Method(MethodDefinition m)
        {
            Attributes(m);
            Add(m.ReturnType);
            foreach (var p in m.Parameters) { Add(p.ParameterType); Attributes(p); }
            foreach (var g in m.GenericParameters) foreach (var c in g.Constraints) Add(c.ConstraintType);
            if (!m.HasBody) return;
            foreach (var v in m.Body.Variables) Add(v.VariableType);
            foreach (var h in m.Body.ExceptionHandlers) Add(h.CatchType);
            foreach (var instruction in m.Body.Instructions) Operand(instruction);
        }

        private void Operand(Instruction instruction)
        {
            switch (instruction.Operand)
            {
                case TypeReference t: Add(t); break;
                case MethodReference mr:
                    Add(mr.DeclaringType);
                    Add(mr.ReturnType);
                    foreach (var p in mr.Parameters) Add(p.ParameterType);
                    if (mr is GenericInstanceMethod gm) foreach (var a in gm.GenericArguments) Add(a);
                    break;
                case FieldReference fr: Add(fr.DeclaringType); Add(fr.FieldType); break;
            }
        }

        private void Attributes(ICustomAttributeProvider provider)
        {
            foreach (var a in provider.CustomAttributes)
            {
                Add(a.AttributeType);
                foreach (var arg in a.ConstructorArguments) if (arg.Value is TypeReference t) Add(t);
            }
        }

        private void Add(TypeReference? t)
        {
            if (t is null || !seen.Add(t)) return;
            switch (t)
            {
                case GenericInstanceType g:
                    Add(g.ElementType);
                    foreach (var a in g.GenericArguments) Add(a);
                    return;
                case TypeSpecification s: Add(s.ElementType); return;
                case GenericParameter: return;
            }
            var outer = t;
            while (outer.DeclaringType is not null) outer = outer.DeclaringType;
            uses.Add(new TypeUse(user, userNamespace, outer.FullName, outer.Namespace));
        }
    }
}

/// <summary>
/// The graph of which folder (feature namespace) uses which, and its cycles: Tarjan's strongly
/// connected components, so a cycle through three folders is found as well as one between two.
/// </summary>
public static class DependencyCycles
{
    /// <summary>Each group of nodes that reach one another (two or more), nodes sorted, groups sorted.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Find(IEnumerable<(string From, string To)> edges)
    {
        var next = new Dictionary<string, List<string>>();
        foreach (var (from, to) in edges.Distinct())
        {
            if (from == to) continue;
            (next.TryGetValue(from, out var list) ? list : next[from] = []).Add(to);
            next.TryAdd(to, []);
        }
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var groups = new List<IReadOnlyList<string>>();

        void Connect(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in next[v])
            {
                if (!index.ContainsKey(w)) { Connect(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var group = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); group.Add(x); } while (x != v);
            if (group.Count > 1) groups.Add([.. group.Order(StringComparer.Ordinal)]);
        }

        foreach (var v in next.Keys.Order(StringComparer.Ordinal)) if (!index.ContainsKey(v)) Connect(v);
        return [.. groups.OrderBy(g => g[0], StringComparer.Ordinal)];
    }
}
