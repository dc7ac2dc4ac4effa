#include "settings/SettingsRegistry.h"

namespace agora {

namespace {

SettingDef intSetting(std::string key, int64_t def, double min, double max, std::string category,
                      std::string description) {
    SettingDef d;
    d.key = std::move(key);
    d.type = SettingType::Int;
    d.default_value = def;
    d.min = min;
    d.max = max;
    d.category = std::move(category);
    d.description = std::move(description);
    return d;
}

SettingDef textSetting(std::string key, std::string def, SettingType type, std::string category,
                       std::string description, size_t max_length = 200) {
    SettingDef d;
    d.key = std::move(key);
    d.type = type;
    d.default_value = std::move(def);
    d.max_length = max_length;
    d.category = std::move(category);
    d.description = std::move(description);
    return d;
}

}  // namespace

void registerCoreSettings(SettingsRegistry& r) {
    using T = SettingType;
    r.add(textSetting("site.tagline", "", T::String, "site", "One line under the site name", 160));
    r.add(textSetting("site.description", "", T::String, "site", "Shown on the front page", 1000));
    r.add(textSetting("mail.from", "", T::String, "mail",
                      "Sender address of this community's mail (empty: noreply@ its first host)",
                      254));
    r.add(
        textSetting("theme.primary_color", "#1f5f8b", T::Color, "theme", "Header and link colour"));
    r.add(
        textSetting("theme.accent_color", "#e8a33d", T::Color, "theme", "Buttons and highlights"));
    r.add(textSetting("theme.logo_text", "", T::String, "theme",
                      "Short mark shown in the header logo (defaults to the initials)", 4));

    // Content limits (QPixel parity).
    r.add(intSetting("limits.title_min", 15, 1, 150, "content", "Minimum title length"));
    r.add(intSetting("limits.title_max", 150, 15, 300, "content", "Maximum title length"));
    r.add(intSetting("limits.body_min", 30, 1, 1000, "content", "Minimum post body length"));
    r.add(intSetting("limits.body_max", 30000, 100, 100000, "content", "Maximum post body length"));
    r.add(intSetting("limits.comment_min", 15, 1, 100, "content", "Minimum comment length"));
    r.add(intSetting("limits.comment_max", 600, 50, 5000, "content", "Maximum comment length"));
    r.add(intSetting("limits.tags_max", 5, 1, 10, "content", "Tags per question"));
    r.add(intSetting("limits.tag_length_max", 35, 5, 64, "content", "Characters per tag"));
    r.add(intSetting("limits.edit_comment_max", 255, 50, 1000, "content", "Edit summary length"));

    // Rate limits per 24 hours; "new_user" applies to members without `unrestricted`.
    struct Rate {
        const char* what;
        int64_t established, fresh;
    };
    for (Rate rate :
         {Rate{"questions", 20, 3}, Rate{"answers", 30, 10}, Rate{"votes", 30, 5},
          Rate{"comments", 50, 30}, Rate{"flags", 30, 10}, Rate{"suggested_edits", 20, 3}}) {
        std::string w = rate.what;
        r.add(intSetting("rate_limit." + w + "_per_day", rate.established, 0, 100000, "rate_limits",
                         "How many " + w + " a member may make in 24 hours"));
        r.add(intSetting(
            "rate_limit.new_user." + w + "_per_day", rate.fresh, 0, 100000, "rate_limits",
            "How many " + w +
                " a new member (without the unrestricted ability) may make in 24 hours"));
    }
    // Previews write nothing but render Markdown: a burst limit per member and per address.
    r.add(intSetting("rate_limit.previews_per_minute", 30, 1, 10000, "rate_limits",
                     "How many Markdown previews a member (or an address) may ask for in a "
                     "minute"));
}

}  // namespace agora
