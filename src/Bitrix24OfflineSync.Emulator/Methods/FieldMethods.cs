using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;
using Bitrix24OfflineSync.Emulator.Tasks;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// The field lists: <c>crm.{deal|contact|company|lead}.fields</c> and <c>crm.activity.fields</c> (the fields by their
/// UPPER_CASE codes), <c>crm.item.fields {entityTypeId, useOriginalUfNames}</c> (<c>{"fields":{…}}</c> by camelCase
/// code, with <c>upperName</c>; an unknown type is 400 <c>NOT_FOUND</c>) and <c>tasks.task.getFields</c>
/// (<c>{"fields":{…}}</c>). Each describes the fields the emulated objects carry, user fields after the standard ones.
/// </summary>
internal static class FieldMethods
{
    public static void Register(MethodRegistry methods)
    {
        foreach (var definition in CrmEntityDefinition.All)
        {
            var type = definition.Type;
            methods.Add($"crm.{definition.Name}.fields", CrmMethods.Scope, ctx => Classic(ctx, type));
        }

        methods.Add("crm.item.fields", CrmMethods.Scope, Item);
        methods.Add("crm.activity.fields", CrmMethods.Scope, _ => Activity());
        methods.Add("tasks.task.getFields", TaskMethods.Scope, Task);
    }

    private static MethodResult Classic(MethodContext ctx, CrmEntityType type)
    {
        var table = ctx.Portal.Crm.Table(type);
        var entity = "crm." + table.Definition.Name;
        var fields = new JsonObject();
        foreach (var field in table.Definition.StandardFields.Concat(table.Definition.HasMultiFields ? CrmEntityDefinition.MultiFields : []))
        {
            fields[field] = CrmFieldSpecs.Of(type, field).Describe();
        }

        foreach (var field in table.UserFields)
        {
            fields[field] = ctx.Portal.UserFields.Describe(entity, field, universal: false);
        }

        return fields;
    }

    private static MethodResult Item(MethodContext ctx)
    {
        var items = CrmItemRequest.Items(ctx);
        var original = CrmItemRequest.OriginalUfNames(ctx);
        var fields = new JsonObject();
        if (ctx.Portal.SmartProcesses.Table(items.EntityTypeId) is { } table)
        {
            var stages = ItemFieldSpecs.StageList(table.Type);
            foreach (var field in table.Standard)
            {
                var spec = ItemFieldSpecs.Of(field.Name);
                fields[field.Name] = spec.Describe(spec.Type == "crm_status" && spec.StatusType is null ? stages : null, Tasks.TaskFields.ToUpperSnake(field.Name));
            }

            foreach (var field in table.UserFields)
            {
                fields[original ? field : UserFieldNames.ToCamel(field)] = ctx.Portal.UserFields.Describe($"crm.item.{items.EntityTypeId}", field, universal: true);
            }
        }
        else
        {
            // A classic entity through the universal API: its fields in camelCase.
            var type = ((ClassicItemSet)items).Type;
            foreach (var (code, description) in ((JsonObject)Classic(ctx, type).Result!).ToList())
            {
                var universal = ((JsonObject)description!).DeepClone().AsObject();
                var isUserField = UserFieldNames.IsOriginal(code);
                if (isUserField)
                {
                    universal["title"] = universal["listLabel"]?.DeepClone();
                }

                universal["upperName"] = code;
                fields[isUserField && original ? code : ClassicItemNames.ToCamel(type, code)] = universal;
            }
        }

        return new JsonObject { ["fields"] = fields };
    }

    private static MethodResult Activity()
    {
        var fields = new JsonObject();
        foreach (var (code, spec) in CrmFieldSpecs.ActivityFieldsInOrder())
        {
            fields[code] = spec.Describe();
        }

        return fields;
    }

    private static MethodResult Task(MethodContext ctx)
    {
        var fields = new JsonObject();
        foreach (var field in TaskFields.Standard.Concat(ctx.Portal.Tasks.UserFields))
        {
            fields[field] = TaskFieldSpecs.Describe(field);
        }

        return new JsonObject { ["fields"] = fields };
    }
}
