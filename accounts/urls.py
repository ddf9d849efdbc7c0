from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import PasswordResetForm, SignInForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-step/", views.two_factor, name="two_factor"),
    path("two-step/turn-off/", views.two_factor_disable, name="two_factor_disable"),
    path("two-step/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.SetPasswordFromLinkView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    # Invitations: the set-password link every new account is sent, and the administrators' list
    path("invitations/", views.invitation_list, name="invitations"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/cancel/", views.invitation_cancel, name="invitation_cancel"),
    path("welcome/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("welcome/done/", views.invitation_done, name="invitation_done"),
]
