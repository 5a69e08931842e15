"""HTTP routes for accounts (``/auth``, ``/me``) and personal access tokens (``/tokens``)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.api.deps import (
    SESSION_COOKIE,
    AccountOwner,
    CurrentAccount,
    RateLimitsDep,
    SessionDep,
    SettingsDep,
    check_csrf,
    client_address,
    set_session_cookie,
)
from app.api.middleware.write_gate import in_read_session, in_write_slot
from app.api.problems import problem_responses
from app.auth import service
from app.auth.models import (
    AccountDeletion,
    Login,
    PasswordChange,
    Register,
    TokenCreate,
    TokenCreated,
    TokenList,
    TokenPublic,
    User,
    UserPublic,
    UserUpdate,
)
from app.core.errors import Forbidden, NotFound
from app.core.passwords import hash_password_in_slow_work, verify_password_in_slow_work
from app.core.rate_limits import RateLimits

router = APIRouter(tags=["accounts"])


@asynccontextmanager
async def password_attempt(request: Request, rate_limits: RateLimits, *, email: str) -> AsyncIterator[None]:
    """``RateLimits.password_check`` around a block that awaits a password check: its counting (a call to
    Redis, when limits are shared) in the thread pool, the check itself (Argon2) in a slow-work process."""
    attempt = rate_limits.password_check(email=email, ip=client_address(request))
    await run_in_threadpool(attempt.__enter__)
    try:
        yield
    except BaseException as error:
        if not await run_in_threadpool(attempt.__exit__, type(error), error, error.__traceback__):
            raise
    else:
        await run_in_threadpool(attempt.__exit__, None, None, None)


@router.post(
    "/auth/register",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 409, 422, 429),
    summary="Create an account and sign in",
)
async def register(
    body: Register, request: Request, response: Response, settings: SettingsDep, rate_limits: RateLimitsDep
) -> UserPublic:
    check_csrf(request)

    def check() -> None:
        rate_limits.hit_registration(ip=client_address(request))
        if settings.signups == "closed":
            raise Forbidden("Sign-ups are closed on this server.")

    await run_in_threadpool(check)
    # Argon2 before the write slot, so no other writer waits for it (SPEC §8).
    password_hash = await hash_password_in_slow_work(body.password)

    def write(session: Session) -> tuple[User, str]:
        user = service.register(session, body=body, password_hash=password_hash)
        return user, service.start_session(session, user=user)

    user, token = await in_write_slot(request, write)
    set_session_cookie(response, request, settings, token)
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/auth/login", responses=problem_responses(401, 403, 422, 429), summary="Sign in with email and password")
async def login(
    body: Login, request: Request, response: Response, settings: SettingsDep, rate_limits: RateLimitsDep
) -> UserPublic:
    check_csrf(request)
    found = await in_read_session(request, service.find_user_by_email, email=body.email)

    # Argon2 holds no database session (on PostgreSQL, none of its turns); only starting the session holds
    # the write slot (SPEC §8).
    async with password_attempt(request, rate_limits, email=body.email):
        matches = await verify_password_in_slow_work(body.password, found.password_hash if found else None)
        user = service.authenticated(found, matches=matches)
    token = await in_write_slot(
        request, service.start_checked_session, user_id=user.id, password_hash=user.password_hash
    )
    set_session_cookie(response, request, settings, token)
    return UserPublic.model_validate(user, from_attributes=True)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403),
    summary="Sign out: the session is deleted",
)
def logout(request: Request, session: SessionDep) -> Response:
    check_csrf(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        service.end_session(session, token=cookie)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", responses=problem_responses(401, 429), summary="The signed-in user and their settings")
def read_me(account: CurrentAccount) -> UserPublic:
    return UserPublic.model_validate(account, from_attributes=True)


@router.patch("/me", responses=problem_responses(401, 403, 422, 429), summary="Change settings")
def update_me(body: UserUpdate, owner: AccountOwner, session: SessionDep) -> UserPublic:
    user = service.update_user(session, user_id=owner.account.id, changes=body)
    return UserPublic.model_validate(user, from_attributes=True)


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 422, 429),
    summary="Change the password; every other session ends and every token is revoked",
)
async def change_password(
    body: PasswordChange, owner: AccountOwner, request: Request, rate_limits: RateLimitsDep, session: SessionDep
) -> None:
    # The password's hash is read from the account's row in the request's session (sign-in reads no hash).
    user = await run_in_threadpool(service.get_user, session, user_id=owner.account.id)

    # Both Argon2 runs before the write slot is taken (SPEC §8).
    async with password_attempt(request, rate_limits, email=user.email):
        if not await verify_password_in_slow_work(body.current_password, user.password_hash):
            raise Forbidden("The current password is not right.")
    new_password_hash = await hash_password_in_slow_work(body.new_password)
    await in_write_slot(
        request,
        service.change_password,
        user_id=user.id,
        password_hash=user.password_hash,
        new_password_hash=new_password_hash,
        keep_session_id=owner.principal.session_id,
    )


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 422, 429),
    summary="Delete the account and all its data",
)
async def delete_me(
    body: AccountDeletion, owner: AccountOwner, request: Request, rate_limits: RateLimitsDep, session: SessionDep
) -> Response:
    user = await run_in_threadpool(service.get_user, session, user_id=owner.account.id)

    # Argon2 before the write slot is taken (SPEC §8).
    async with password_attempt(request, rate_limits, email=user.email):
        if not await verify_password_in_slow_work(body.password, user.password_hash):
            raise Forbidden("The password is not right.")
    await in_write_slot(request, service.delete_account, user_id=user.id, password_hash=user.password_hash)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post(
    "/tokens",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422, 429),
    summary="Create a personal access token (its secret is shown once)",
)
def create_token(body: TokenCreate, owner: AccountOwner, session: SessionDep) -> TokenCreated:
    token, secret = service.create_token(session, user_id=owner.account.id, body=body)
    return TokenCreated(token=secret, **TokenPublic.model_validate(token, from_attributes=True).model_dump())


@router.get("/tokens", responses=problem_responses(401, 403, 429), summary="Personal access tokens, without secrets")
def list_tokens(owner: AccountOwner, session: SessionDep) -> TokenList:
    tokens = service.list_tokens(session, user_id=owner.account.id)
    return TokenList(data=[TokenPublic.model_validate(token, from_attributes=True) for token in tokens])


@router.delete(
    "/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="Revoke a personal access token",
)
def revoke_token(token_id: uuid.UUID, owner: AccountOwner, session: SessionDep) -> None:
    if not service.revoke_token(session, user_id=owner.account.id, token_id=token_id):
        raise NotFound("No such token.")
