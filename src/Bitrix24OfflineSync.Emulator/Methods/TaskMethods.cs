using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>tasks.task.{add|update|delete|get|list}</c>. Answers wrap the task as <c>{"task":{…}}</c> (a list as
/// <c>{"tasks":[…]}</c>) with lowerCamelCase keys. A deleted or unknown task answers as
/// <see cref="EmulatorOptions.DeletedTaskAnswer"/> says, since the real answer is not documented.
/// </summary>
internal static class TaskMethods
{
    public const string Scope = "task";

    public static void Register(MethodRegistry methods)
    {
        methods.Add("tasks.task.add", Scope, Add);
        methods.Add("tasks.task.update", Scope, Update);
        methods.Add("tasks.task.delete", Scope, Delete);
        methods.Add("tasks.task.get", Scope, Get);
        methods.Add("tasks.task.list", Scope, List);
    }

    private static MethodResult Add(MethodContext ctx)
    {
        var fields = Fields(ctx);
        var title = fields.FirstOrDefault(p => string.Equals(p.Key, "TITLE", StringComparison.OrdinalIgnoreCase)).Value;
        if (string.IsNullOrWhiteSpace(FieldValues.Text(title)))
        {
            throw RestException.Core("Task name is not specified");
        }

        var id = ctx.Portal.Tasks.Add(fields, ctx.Caller.UserId, ctx.Now);
        ctx.Hit.Raise("ONTASKADD", new JsonObject
        {
            ["FIELDS_BEFORE"] = "undefined",
            ["FIELDS_AFTER"] = new JsonObject { ["ID"] = id },
            ["IS_ACCESSIBLE_BEFORE"] = "N",
            ["IS_ACCESSIBLE_AFTER"] = "undefined",
        });
        return TaskAnswer(ctx.Portal.Tasks.Get(id, [])!);
    }

    private static MethodResult Update(MethodContext ctx)
    {
        var id = TaskId(ctx);
        var fields = Fields(ctx);
        if (!ctx.Portal.Tasks.Update(id, fields, ctx.Caller.UserId, ctx.Now))
        {
            throw Missing(ctx);
        }

        ctx.Hit.Raise("ONTASKUPDATE", new JsonObject
        {
            ["FIELDS_BEFORE"] = new JsonObject { ["ID"] = id },
            ["FIELDS_AFTER"] = new JsonObject { ["ID"] = id },
            ["IS_ACCESSIBLE_BEFORE"] = "undefined",
            ["IS_ACCESSIBLE_AFTER"] = "undefined",
        });
        return TaskAnswer(ctx.Portal.Tasks.Get(id, [])!);
    }

    private static MethodResult Delete(MethodContext ctx)
    {
        var id = TaskId(ctx);
        if (!ctx.Portal.Tasks.Delete(id))
        {
            throw Missing(ctx);
        }

        ctx.Hit.Raise("ONTASKDELETE", new JsonObject
        {
            ["FIELDS_BEFORE"] = new JsonObject { ["ID"] = id },
            ["FIELDS_AFTER"] = "undefined",
            ["IS_ACCESSIBLE_BEFORE"] = "undefined",
            ["IS_ACCESSIBLE_AFTER"] = "N",
        });
        return new JsonObject { ["task"] = true };
    }

    private static MethodResult Get(MethodContext ctx)
    {
        var id = TaskId(ctx);
        var task = ctx.Portal.Tasks.Get(id, Tasks.TaskStore.ParseSelect(ctx.Param("select")));
        return task is null ? throw Missing(ctx) : TaskAnswer(task);
    }

    private static MethodResult List(MethodContext ctx)
    {
        var page = ListPage.From(ctx.Param("start"));
        var select = Tasks.TaskStore.ParseSelect(ctx.Param("select"));
        var (items, total) = ctx.Portal.Tasks.List(ctx.Param("filter"), select, ctx.Param("order"), page.Offset, ListPage.Size, page.CountsTotal);
        return page.Answer(new JsonObject { ["tasks"] = items }, total);
    }

    private static JsonObject TaskAnswer(JsonObject task) => new() { ["task"] = task };

    /// <summary>The controller binds <c>taskId</c> as an int: missing is an argument error, zero or less a wrong id.</summary>
    private static long TaskId(MethodContext ctx)
    {
        if (!ctx.HasParam("taskId"))
        {
            throw new RestException(HttpStatusCode.BadRequest, "100", "Could not find value for parameter {taskId}");
        }

        var id = FieldValues.IntVal(ctx.Param("taskId"));
        return id > 0 ? id : throw RestException.Core("wrong task id");
    }

    private static JsonObject Fields(MethodContext ctx) => ctx.Param("fields") switch
    {
        JsonObject fields => fields,
        JsonArray { Count: 0 } or null => [],
        _ => throw RestException.InvalidArgument("Invalid value for parameter {fields}", "fields"),
    };

    /// <summary>The answer for a task that does not exist (or no longer does): not documented, so configurable.</summary>
    private static RestException Missing(MethodContext ctx) => ctx.World.Options.DeletedTaskAnswer switch
    {
        DeletedTaskAnswer.NotFound => RestException.NotFound(),
        _ => new RestException(HttpStatusCode.BadRequest, "ACCESS_DENIED", "Access denied."),
    };
}
