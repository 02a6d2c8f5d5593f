package dev.agentmeter.model.json;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.BudgetAlert;
import dev.agentmeter.model.BudgetStatus;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.UsageEvent;

/** Serdes for the values of every contract topic. */
public final class ContractSerdes {

    private ContractSerdes() {}

    public static JsonSerde<UsageEvent> usageEvent() {
        return new JsonSerde<>(UsageEvent.class);
    }

    public static JsonSerde<PricedUsage> pricedUsage() {
        return new JsonSerde<>(PricedUsage.class);
    }

    public static JsonSerde<ModelPrice> modelPrice() {
        return new JsonSerde<>(ModelPrice.class);
    }

    public static JsonSerde<Budget> budget() {
        return new JsonSerde<>(Budget.class);
    }

    public static JsonSerde<BudgetAlert> budgetAlert() {
        return new JsonSerde<>(BudgetAlert.class);
    }

    public static JsonSerde<BudgetStatus> budgetStatus() {
        return new JsonSerde<>(BudgetStatus.class);
    }
}
